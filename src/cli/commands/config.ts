import * as path from 'node:path';
import { describeOrigin } from '../../config/layers.ts';
import { isPlainObject, join } from '../../config/schema.ts';
import { ExitCode } from '../../core/exit-code.ts';
import { colors } from '../../report/colors.ts';
import type { CliContext, GlobalOptions } from '../cli-context.ts';
import { loadCommandConfig } from '../load-command-config.ts';

export interface ConfigOptions extends GlobalOptions {
  readonly json?: boolean;
}

/**
 * `devloop config`: the resolved configuration. Readable form: one line per
 * value with the file, variable or flag it came from; `--json`: the resolved
 * object, for tools.
 */
export async function runConfig(ctx: CliContext, options: ConfigOptions): Promise<ExitCode> {
  const loaded = await loadCommandConfig(ctx, options);
  if (!loaded.ok) return loaded.error;
  const { config, origins } = loaded.value;
  if (options.json) {
    ctx.stdout.write(`${JSON.stringify(config, (_key, value) => (value === undefined ? null : value), 2)}\n`);
    return ExitCode.ok;
  }
  const c = colors(ctx.color);
  const rel = (file: string) => path.relative(ctx.cwd, file) || path.basename(file);
  ctx.stdout.write(`${c.bold('config file:')} ${rel(config.configFile)}${config.localFile ? ` + ${rel(config.localFile)}` : ''}\n`);
  const { configFile: _f, localFile: _l, rootDir: _r, ...shown } = config;
  const rows: [string, string, string][] = [];
  flatten(shown, '', (keyPath, value) => {
    if (/^(images|resources)\.[^.]+\.name$/.test(keyPath)) return;
    const origin = origins.get(keyPath);
    rows.push([keyPath, value === undefined ? '-' : JSON.stringify(value), describeOrigin(origin, rel)]);
  });
  const width = Math.min(48, Math.max(...rows.map((r) => r[0].length)));
  const valueWidth = Math.min(48, Math.max(...rows.map((r) => r[1].length)));
  for (const [key, value, origin] of rows) {
    ctx.stdout.write(`${key.padEnd(width)}  ${value.padEnd(valueWidth)}  ${c.dim(origin)}\n`);
  }
  return ExitCode.ok;
}

function flatten(value: unknown, keyPath: string, visit: (keyPath: string, value: unknown) => void): void {
  if (isPlainObject(value) && Object.keys(value).length > 0) {
    for (const [key, child] of Object.entries(value)) flatten(child, join(keyPath, key), visit);
  } else {
    visit(keyPath, value);
  }
}
