import * as path from 'node:path';
import type { FileSystem } from '../system/file-system.ts';

/**
 * The Unix socket of the Docker engine the docker CLI would talk to, when
 * devloop can tell it for sure: `DOCKER_HOST=unix://…`, or no DOCKER_HOST and
 * the default context (neither `DOCKER_CONTEXT` nor the config's
 * `currentContext` names another) with `/var/run/docker.sock` present.
 * Undefined otherwise (a TCP or SSH host, another context): builds then go
 * through the docker CLI, which knows how to reach it.
 */
export async function engineSocket(options: {
  readonly fs: FileSystem;
  readonly env: Readonly<Record<string, string | undefined>>;
}): Promise<string | undefined> {
  const { fs, env } = options;
  const host = env.DOCKER_HOST?.trim();
  if (host) return host.startsWith('unix://') ? host.slice('unix://'.length) : undefined;
  if (env.DOCKER_CONTEXT && env.DOCKER_CONTEXT !== 'default') return undefined;
  const home = env.HOME ?? env.USERPROFILE;
  const configDir = env.DOCKER_CONFIG ?? (home ? path.join(home, '.docker') : undefined);
  if (configDir) {
    const text = await fs.readText(path.join(configDir, 'config.json')).catch(() => undefined);
    if (text !== undefined && currentContext(text) !== 'default') return undefined;
  }
  const socket = '/var/run/docker.sock';
  return (await fs.stat(socket)) ? socket : undefined;
}

/** The config's `currentContext`; `default` when unset or the file is not JSON. */
function currentContext(configText: string): string {
  try {
    const value = (JSON.parse(configText) as { currentContext?: unknown }).currentContext;
    return typeof value === 'string' && value !== '' ? value : 'default';
  } catch {
    return 'default';
  }
}
