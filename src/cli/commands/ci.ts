import { ExitCode } from '../../core/exit-code.ts';
import { parseDuration } from '../../core/format.ts';
import type { CliContext, GlobalOptions } from '../cli-context.ts';
import { loadCommandConfig } from '../load-command-config.ts';
import { parseOutputMode } from '../presenter.ts';
import { targetOrSandbox } from '../sandbox-target.ts';
import { runLoop } from './up.ts';

export interface CiOptions extends GlobalOptions {
  readonly output?: string;
  readonly timeout?: string;
}

/**
 * `devloop ci`: one full pass — build, deliver, deploy, wait until every
 * resource is ready — then exit 0, or exit 1 with the diagnosis.
 */
export async function runCi(ctx: CliContext, options: CiOptions): Promise<ExitCode> {
  const mode = parseOutputMode(ctx, options.output ?? 'plain');
  if (!mode.ok) return mode.error;
  const timeoutMs = parseDuration(options.timeout ?? '10m');
  if (timeoutMs === undefined) {
    ctx.stderr.write(`error: --timeout: "${options.timeout}" is not a duration (e.g. 90s, 5m)\n`);
    return ExitCode.usage;
  }
  const loaded = await loadCommandConfig(ctx, options);
  if (!loaded.ok) return loaded.error;
  const target = await targetOrSandbox(ctx, loaded.value.config, loaded.value.origins);
  return runLoop(target.ctx, options, {
    mode: mode.value === 'ui' ? 'plain' : mode.value,
    watch: false,
    loaded: { ...loaded.value, config: target.config },
    timeoutMs,
    target,
  });
}
