import { type LoadConfigOptions, type LoadedConfig, loadConfig } from '../config/load-config.ts';
import { ExitCode } from '../core/exit-code.ts';
import { err, ok, type Result } from '../core/result.ts';
import { printDiagnostics } from '../report/diagnostic-printer.ts';
import type { CliContext, GlobalOptions } from './cli-context.ts';

/**
 * Loads the configuration for a command; on a mistake prints the diagnostics
 * and answers exit code 2, so no command starts work on a bad config.
 */
export async function loadCommandConfig(ctx: CliContext, options: GlobalOptions): Promise<Result<LoadedConfig, ExitCode>> {
  const loaded = await loadConfig(loadOptions(ctx, options));
  // Ctrl-C while a config was loading: nothing to report, nothing was touched.
  if (!loaded.ok && ctx.signal.aborted) return err(ExitCode.interrupted);
  if (!loaded.ok) {
    printDiagnostics(ctx.stderr, loaded.error, { color: ctx.color, cwd: ctx.cwd });
    return err(ExitCode.usage);
  }
  if (loaded.value.warnings.length) printDiagnostics(ctx.stderr, loaded.value.warnings, { color: ctx.color, cwd: ctx.cwd });
  return ok(loaded.value);
}

/** How a command's options and context map onto configuration loading. */
export function loadOptions(ctx: CliContext, options: GlobalOptions): LoadConfigOptions {
  return {
    cwd: ctx.cwd,
    ...(options.config ? { configPath: options.config } : {}),
    env: ctx.env,
    flags: { ...(options.context ? { context: options.context } : {}), ...(options.namespace ? { namespace: options.namespace } : {}) },
    fs: ctx.fs,
    signal: ctx.signal,
  };
}
