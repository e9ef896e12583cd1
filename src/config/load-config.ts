import type { Diagnostic } from '../core/diagnostic.ts';
import { hasErrors } from '../core/diagnostic.ts';
import { parseDuration } from '../core/format.ts';
import { err, ok, type Result } from '../core/result.ts';
import type { FileSystem } from '../system/file-system.ts';
import { configSchema } from './config-schema.ts';
import { crossCheck, followContextLinks } from './cross-check.ts';
import { type Layer, mergeLayers, type Origin, originOf } from './layers.ts';
import { defaultLoadTimeoutMs, readConfigFiles } from './read-config-file.ts';
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
  /** Aborting (Ctrl-C) abandons a config file that is still loading. */
  readonly signal?: AbortSignal;
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
  const timeout = loadTimeout(options.env);
  if (!timeout.ok) return err([timeout.error]);
  const files = await readConfigFiles(
    { cwd: options.cwd, configPath: options.configPath },
    { signal: options.signal, timeoutMs: timeout.value },
  );
  if (!files.ok) return err([files.error]);
  if (!files.value) {
    return err([
      {
        severity: 'error',
        code: 'config-not-found',
        message: `no devloop.config.ts (or .js, .mjs, .json, .yaml, or a "devloop" key in package.json) in ${options.cwd} or its parents`,
        hint: 'run `devloop init` to create one, or pass --config PATH',
      },
    ]);
  }
  const { team, local } = files.value;
  const layers: Layer[] = [];
  for (const file of [team, ...(local ? [local] : [])]) {
    const value = asObject(file.value, file.file);
    if (!value.ok) return err([value.error]);
    layers.push({ origin: { kind: 'file', file: file.file }, value: value.value });
  }
  const localFile = local?.file;

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

/** `DEVLOOP_CONFIG_TIMEOUT` (e.g. `30s`): how long a config file may take to load. */
function loadTimeout(env: LoadConfigOptions['env']): Result<number, Diagnostic> {
  const text = env.DEVLOOP_CONFIG_TIMEOUT;
  if (!text) return ok(defaultLoadTimeoutMs);
  const ms = parseDuration(text);
  if (ms !== undefined && ms > 0) return ok(ms);
  return err({
    severity: 'error',
    code: 'config-invalid-env',
    file: 'env DEVLOOP_CONFIG_TIMEOUT',
    message: `"${text}" is not a duration (e.g. 10s, 1m)`,
  });
}

function asObject(value: unknown, file: string): Result<Record<string, unknown>, Diagnostic> {
  if (isPlainObject(value)) return ok(value);
  return err({
    severity: 'error',
    code: 'config-not-an-object',
    file,
    message:
      value === undefined
        ? 'exports no configuration (an empty file, or no default export)'
        : `must export a configuration object, got ${value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value}`,
    hint: 'export default defineConfig({ images: { … }, resources: { … } })',
  });
}
