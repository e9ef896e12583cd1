import * as path from 'node:path';
import type { Diagnostic } from '../core/diagnostic.ts';
import { hasErrors } from '../core/diagnostic.ts';
import { err, ok, type Result } from '../core/result.ts';
import type { FileSystem } from '../system/file-system.ts';
import { configSchema } from './config-schema.ts';
import { crossCheck, followContextLinks } from './cross-check.ts';
import { type Layer, mergeLayers, type Origin, originOf } from './layers.ts';
import { findConfigFile, localPlaces, readConfigFile } from './read-config-file.ts';
import { resolveConfig } from './resolve-config.ts';
import type { ResolvedConfig } from './resolved-config.ts';
import { check, isPlainObject } from './schema.ts';
import type { DevloopConfig } from './types.ts';

/** Inputs of configuration loading, from the CLI or a test. */
export interface LoadConfigOptions {
  readonly cwd: string;
  /** `--config PATH`: skips discovery. */
  readonly configPath?: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly flags: { readonly context?: string; readonly namespace?: string };
  readonly fs: FileSystem;
}

/** A valid configuration and where each of its values came from. */
export interface LoadedConfig {
  readonly config: ResolvedConfig;
  readonly origins: ReadonlyMap<string, Origin>;
  readonly warnings: readonly Diagnostic[];
}

/**
 * Finds, loads, merges and validates the configuration, in this order of
 * precedence (later wins): `devloop.config.ts` (team-shared, committed),
 * `devloop.local.config.ts` beside it (personal, gitignored), the
 * `DEVLOOP_CONTEXT` / `DEVLOOP_NAMESPACE` variables, the `--context` /
 * `--namespace` flags. Every mistake is a diagnostic naming file and key path.
 */
export async function loadConfig(options: LoadConfigOptions): Promise<Result<LoadedConfig, Diagnostic[]>> {
  const found = options.configPath
    ? await readConfigFile(path.resolve(options.cwd, options.configPath))
    : await findConfigFile(options.cwd, async (file) => (await options.fs.stat(file))?.kind === 'file');
  if (!found.ok) return err([found.error]);
  if (!found.value) {
    return err([
      {
        severity: 'error',
        code: 'config-not-found',
        message: `no devloop.config.ts (or .js, .mjs, .json, .yaml, or a "devloop" key in package.json) in ${options.cwd} or its parents`,
        hint: 'run `devloop init` to create one, or pass --config PATH',
      },
    ]);
  }
  const team = found.value;
  const layers: Layer[] = [];
  const teamValue = asObject(team.value, team.file);
  if (!teamValue.ok) return err([teamValue.error]);
  layers.push({ origin: { kind: 'file', file: team.file }, value: teamValue.value });

  const local = await findLocalFile(path.dirname(team.file), options.fs);
  let localFile: string | undefined;
  if (local && path.resolve(local) !== path.resolve(team.file)) {
    const read = await readConfigFile(local);
    if (!read.ok) return err([read.error]);
    const localValue = asObject(read.value.value, local);
    if (!localValue.ok) return err([localValue.error]);
    localFile = local;
    layers.push({ origin: { kind: 'file', file: local }, value: localValue.value });
  }

  const override = (origin: Origin, cluster: Record<string, string>) => {
    if (Object.keys(cluster).length) layers.push({ origin, value: { cluster } });
  };
  if (options.env.DEVLOOP_CONTEXT) override({ kind: 'env', name: 'DEVLOOP_CONTEXT' }, { context: options.env.DEVLOOP_CONTEXT });
  if (options.env.DEVLOOP_NAMESPACE) override({ kind: 'env', name: 'DEVLOOP_NAMESPACE' }, { namespace: options.env.DEVLOOP_NAMESPACE });
  if (options.flags.context) override({ kind: 'flag', name: '--context' }, { context: options.flags.context });
  if (options.flags.namespace) override({ kind: 'flag', name: '--namespace' }, { namespace: options.flags.namespace });

  const merged = mergeLayers(layers);
  const fileOf = (keyPath: string) => {
    const origin = originOf(merged.origins, keyPath);
    if (!origin || origin.kind === 'default') return team.file;
    if (origin.kind === 'file') return origin.file;
    return origin.kind === 'env' ? `env ${origin.name}` : origin.name;
  };
  const diagnostics: Diagnostic[] = [];
  check(configSchema, merged.value, '', fileOf, diagnostics);
  if (hasErrors(diagnostics)) return err(diagnostics);

  const config = resolveConfig({ raw: merged.value as DevloopConfig, configFile: team.file, localFile });
  const crossDiagnostics = await crossCheck(config, fileOf, options.fs);
  if (hasErrors(crossDiagnostics)) return err(crossDiagnostics);
  return ok({ config: await followContextLinks(config, options.fs), origins: merged.origins, warnings: crossDiagnostics });
}

async function findLocalFile(dir: string, fs: FileSystem): Promise<string | undefined> {
  for (const name of localPlaces) {
    const candidate = path.join(dir, name);
    if ((await fs.stat(candidate))?.kind === 'file') return candidate;
  }
  return undefined;
}

function asObject(value: unknown, file: string): Result<Record<string, unknown>, Diagnostic> {
  if (isPlainObject(value)) return ok(value);
  return err({
    severity: 'error',
    code: 'config-not-an-object',
    file,
    message:
      value === null || value === undefined
        ? 'exports no configuration'
        : `must export an object, got ${Array.isArray(value) ? 'a list' : typeof value}`,
    hint: 'export default defineConfig({ images: { … }, resources: { … } })',
  });
}
