import * as path from 'node:path';
import type { FileSystem } from '../system/file-system.ts';

/** Where the docker CLI looks for plugins after its config's extra dirs and the user's own, in its order. */
const systemPluginDirs = [
  '/usr/local/lib/docker/cli-plugins',
  '/usr/local/libexec/docker/cli-plugins',
  '/usr/lib/docker/cli-plugins',
  '/usr/libexec/docker/cli-plugins',
];

/**
 * The buildx plugin the docker CLI would run for `docker buildx`, found the
 * way the CLI finds it: `cliPluginsExtraDirs` of its config.json, then
 * `$DOCKER_CONFIG/cli-plugins` (default `~/.docker`), then the system
 * directories. Running it directly (`docker-buildx build …`, buildx's
 * standalone mode) saves starting the docker CLI and its scan of every
 * plugin's metadata on each build. Undefined when none is found: devloop
 * then runs `docker buildx`.
 */
export async function findBuildxPlugin(options: {
  readonly fs: FileSystem;
  readonly env: Readonly<Record<string, string | undefined>>;
}): Promise<string | undefined> {
  const { fs, env } = options;
  const home = env.HOME ?? env.USERPROFILE;
  const configDir = env.DOCKER_CONFIG ?? (home ? path.join(home, '.docker') : undefined);
  const dirs: string[] = [];
  if (configDir) {
    const config = await fs.readText(path.join(configDir, 'config.json')).catch(() => undefined);
    dirs.push(...extraDirs(config), path.join(configDir, 'cli-plugins'));
  }
  dirs.push(...systemPluginDirs);
  for (const dir of dirs) {
    const candidate = path.join(dir, 'docker-buildx');
    const real = await fs.realPath(candidate);
    const stat = real ? await fs.stat(real) : undefined;
    if (real && stat?.kind === 'file' && (stat.mode & 0o111) !== 0) return candidate;
  }
  return undefined;
}

/** `cliPluginsExtraDirs` of a docker config.json; none when the file is absent or not JSON. */
function extraDirs(configText: string | undefined): string[] {
  if (!configText) return [];
  try {
    const dirs = (JSON.parse(configText) as { cliPluginsExtraDirs?: unknown }).cliPluginsExtraDirs;
    return Array.isArray(dirs) ? dirs.filter((d): d is string => typeof d === 'string' && d !== '') : [];
  } catch {
    return [];
  }
}
