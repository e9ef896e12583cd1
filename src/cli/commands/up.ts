import { ExitCode } from '../../core/exit-code.ts';
import { LogStore } from '../../engine/log-store.ts';
import { Store } from '../../engine/store.ts';
import type { CliContext, GlobalOptions } from '../cli-context.ts';
import { applyLoopHeapFlags } from '../heap-settings.ts';
import { loadCommandConfig } from '../load-command-config.ts';
import { offerCluster } from '../offer-cluster.ts';
import { type OutputMode, openPresenter, parseOutputMode } from '../presenter.ts';
import { LoopSupervisor } from '../run-loop.ts';
import type { SessionError } from '../session.ts';

export interface UpOptions extends GlobalOptions {
  readonly output?: string;
}

/**
 * `devloop up`: the inner loop. Runs until Ctrl-C or `q`: stops within
 * seconds, kills child processes, restores the terminal and leaves the
 * cluster as it is (`devloop down` is explicit).
 */
export async function runUp(ctx: CliContext, options: UpOptions): Promise<ExitCode> {
  const mode = parseOutputMode(ctx, options.output);
  if (!mode.ok) return mode.error;
  const loaded = await loadCommandConfig(ctx, options);
  if (!loaded.ok) return loaded.error;
  const offered = await offerCluster(ctx, loaded.value.config, options);
  if (offered !== undefined) return offered;
  return runLoop(ctx, options, { mode: mode.value, watch: true, loaded: loaded.value });
}

/** Shared by `up` (watching until quit) and `ci` (one pass). */
export async function runLoop(
  ctx: CliContext,
  globals: GlobalOptions,
  options: {
    mode: OutputMode;
    watch: boolean;
    loaded: Parameters<LoopSupervisor['start']>[0];
    timeoutMs?: number;
  },
): Promise<ExitCode> {
  applyLoopHeapFlags(ctx.env);
  const store = new Store(Date.now());
  const logs = new LogStore();
  let sessionError: SessionError | undefined;
  let quit!: () => void;
  const quitting = new Promise<void>((resolve) => {
    quit = resolve;
  });
  ctx.signal.addEventListener('abort', () => quit(), { once: true });
  const supervisor: LoopSupervisor = new LoopSupervisor({
    ctx,
    globals,
    store,
    logs,
    watch: options.watch,
    output: {
      notice: (message) => presenter.notice(message),
      sessionFailed: (error) => {
        sessionError = error;
      },
    },
  });
  const presenter = await openPresenter(ctx, {
    mode: options.mode,
    store,
    logs,
    onTrigger: (resource) => supervisor.trigger(resource),
    onTogglePause: () => supervisor.togglePause(),
    onQuit: () => quit(),
  });

  let timedOut = false;
  const timer =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          quit();
        }, options.timeoutMs);
  const started = await Promise.race([supervisor.start(options.loaded), quitting.then(() => 'quit' as const)]);
  if (started === false || sessionError) {
    clearTimeout(timer);
    await supervisor.stop();
    await presenter.close(ExitCode.failure, sessionError ? { diagnostics: sessionError.diagnostics } : undefined);
    return sessionError?.kind === 'usage' ? ExitCode.usage : ExitCode.failure;
  }
  if (options.watch && started !== 'quit') await quitting;
  clearTimeout(timer);
  await supervisor.stop();
  if (options.watch) {
    await presenter.close(ExitCode.ok);
    return ExitCode.ok;
  }
  const state = store.getState();
  const failed = state.order.filter((name) => state.resources[name]?.phase !== 'ready');
  const code = started === 'quit' || failed.length > 0 ? ExitCode.failure : ExitCode.ok;
  await presenter.close(code, timedOut ? { timedOutAfterMs: options.timeoutMs } : undefined);
  return ctx.signal.aborted ? ExitCode.interrupted : code;
}
