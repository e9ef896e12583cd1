import * as path from 'node:path';
import { describeOrigin, originOf } from '../../config/layers.ts';
import type { ResolvedConfig } from '../../config/resolved-config.ts';
import { isPlainObject, join } from '../../config/schema.ts';
import { ExitCode } from '../../core/exit-code.ts';
import { isSecretKey, mask, redactText } from '../../core/redact.ts';
import { colors } from '../../report/colors.ts';
import type { CliContext, GlobalOptions } from '../cli-context.ts';
import { loadCommandConfig } from '../load-command-config.ts';

export interface ConfigOptions extends GlobalOptions {
  readonly json?: boolean;
}

/**
 * `devloop config`: the resolved configuration. Readable form: one line per
 * value with the file, variable or flag it came from; `--json`: the resolved
 * object, for tools. Values whose key or content looks secret are masked in both.
 */
export async function runConfig(ctx: CliContext, options: ConfigOptions): Promise<ExitCode> {
  const loaded = await loadCommandConfig(ctx, options);
  if (!loaded.ok) return loaded.error;
  const { config, origins } = loaded.value;
  if (options.json) {
    ctx.stdout.write(`${JSON.stringify(shown(config), (_key, value) => (value === undefined ? null : value), 2)}\n`);
    return ExitCode.ok;
  }
  const c = colors(ctx.color);
  const rel = (file: string) => path.relative(ctx.cwd, file) || path.basename(file);
  ctx.stdout.write(`${c.bold('config file:')} ${rel(config.configFile)}${config.localFile ? ` + ${rel(config.localFile)}` : ''}\n`);
  const { configFile: _f, localFile: _l, rootDir: _r, ...values } = shown(config);
  const rows: [string, string, string][] = [];
  flatten(values, '', (keyPath, value) => {
    if (/^(images|resources|local)\.[^.]+\.name$/.test(keyPath)) return;
    // a chart's or overlay's settings come from the entry that names it
    const origin = keyPath.startsWith('manifests[') ? originOf(origins, keyPath) : origins.get(keyPath);
    rows.push([keyPath, value === undefined ? '-' : JSON.stringify(value), describeOrigin(origin, rel)]);
  });
  const width = Math.min(48, Math.max(...rows.map((r) => r[0].length)));
  const valueWidth = Math.min(48, Math.max(...rows.map((r) => r[1].length)));
  for (const [key, value, origin] of rows) {
    ctx.stdout.write(`${key.padEnd(width)}  ${value.padEnd(valueWidth)}  ${c.dim(origin)}\n`);
  }
  return ExitCode.ok;
}

/**
 * The configuration as `devloop config` prints it: build args whose name
 * looks secret masked whole; credentials, tokens and secret-looking values in
 * every string masked too.
 */
function shown(config: ResolvedConfig): ResolvedConfig {
  const images = Object.fromEntries(
    Object.entries(config.images).map(([name, image]) => [name, { ...image, buildArgs: maskSecretKeys(image.buildArgs) }]),
  );
  // a chart value whose key looks secret (`db.password`) is masked like a build arg
  const manifests = config.manifests.map((m) =>
    typeof m === 'object' && 'helm' in m ? { helm: { ...m.helm, set: maskSecretKeys(m.helm.set) } } : m,
  );
  // so is a local command's environment variable whose name looks secret (`API_TOKEN`)
  const local = Object.fromEntries(
    Object.entries(config.local).map(([name, command]) => [name, { ...command, env: maskSecretKeys(command.env) }]),
  );
  return mapStrings({ ...config, images, manifests, local }, redactText) as ResolvedConfig;
}

/** The values whose key looks secret, masked whole. */
function maskSecretKeys<T>(values: Readonly<Record<string, T>>): Record<string, T | typeof mask> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, isSecretKey(k) ? mask : v]));
}

function mapStrings(value: unknown, f: (text: string) => string): unknown {
  if (typeof value === 'string') return f(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, f));
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, f)]));
  return value;
}

function flatten(value: unknown, keyPath: string, visit: (keyPath: string, value: unknown) => void): void {
  if (keyPath === 'manifests' && Array.isArray(value) && value.some(isPlainObject)) {
    // one row per chart or overlay setting, not one line of JSON
    for (const [i, entry] of value.entries()) flatten(entry, `${keyPath}[${i}]`, visit);
  } else if (isPlainObject(value) && Object.keys(value).length > 0) {
    for (const [key, child] of Object.entries(value)) flatten(child, join(keyPath, key), visit);
  } else {
    visit(keyPath, value);
  }
}
