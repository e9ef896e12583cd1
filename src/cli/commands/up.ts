import type { Diagnostic } from '../../core/diagnostic.ts';
import { ExitCode } from '../../core/exit-code.ts';
import { errorText } from '../../core/format.ts';
import { localReady } from '../../engine/local-reducer.ts';
import { LogStore } from '../../engine/log-store.ts';
import { Store } from '../../engine/store.ts';
import type { CliContext, GlobalOptions } from '../cli-context.ts';
import { applyLoopHeapFlags } from '../heap-settings.ts';
import { loadCommandConfig } from '../load-command-config.ts';
import { offerCluster } from '../offer-cluster.ts';
import { type Ending, type OutputMode, openPresenter, parseOutputMode } from '../presenter.ts';
import { LoopSupervisor } from '../run-loop.ts';
import { type Target, targetOrSandbox } from '../sandbox-target.ts';
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
  const target = await targetOrSandbox(ctx, loaded.value.config, loaded.value.origins);
  const offered = await offerCluster(target.ctx, target.config, options);
  if (offered !== undefined) return offered;
  return runLoop(target.ctx, options, { mode: mode.value, watch: true, loaded: { ...loaded.value, config: target.config }, target });
}

/**
 * Shared by `up` (watching until quit) and `ci` (one pass). However the run
 * ends — quit, Ctrl-C, timeout, a session that cannot open, an internal
 * error — the same exit code goes to the presenter (the JSON `exit` event)
 * and to the process, after the loop's work and timers have stopped.
 */
export async function runLoop(
  ctx: CliContext,
  globals: GlobalOptions,
  options: {
    mode: OutputMode;
    watch: boolean;
    loaded: Parameters<LoopSupervisor['start']>[0];
    timeoutMs?: number;
    /** Where the run goes instead of the configured context (the sandbox), said at the start. */
    target?: Pick<Target, 'notice' | 'retarget'>;
  },
): Promise<ExitCode> {
  applyLoopHeapFlags(ctx.env);
  const store = new Store(Date.now());
  const logs = new LogStore();
  let sessionError: SessionError | undefined;
  let fault: { error: unknown } | undefined;
  let quit!: () => void;
  const quitting = new Promise<void>((resolve) => {
    quit = resolve;
  });
  const onFault = (error: unknown) => {
    fault ??= { error };
    quit();
  };
  ctx.signal.addEventListener('abort', () => quit(), { once: true });
  const stopFollowingFaults = ctx.faults?.(onFault);
  const supervisor: LoopSupervisor = new LoopSupervisor({
    ctx,
    globals,
    store,
    logs,
    watch: options.watch,
    ...(options.target ? { retarget: options.target.retarget } : {}),
    output: {
      notice: (message) => presenter.notice(message),
      sessionFailed: (error) => {
        sessionError = error;
      },
      fault: onFault,
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

  if (options.target?.notice) presenter.notice(options.target.notice);
  let timedOut = false;
  const timer =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          quit();
        }, options.timeoutMs);
  let started: boolean | 'quit' = false;
  try {
    started = await Promise.race([
      supervisor.start(options.loaded).catch((error: unknown) => {
        onFault(error);
        return false;
      }),
      quitting.then(() => 'quit' as const),
    ]);
    if (options.watch && started === true) await quitting;
  } finally {
    clearTimeout(timer);
  }
  await supervisor.stop().catch(onFault);
  stopFollowingFaults?.();

  const { code, ending } = outcome();
  await presenter.close(code, ending);
  return code;

  function outcome(): { code: ExitCode; ending?: Ending } {
    if (fault) return { code: ExitCode.failure, ending: { diagnostics: [internalError(fault.error)] } };
    if (started === false || sessionError) {
      return {
        code: sessionError?.kind === 'usage' ? ExitCode.usage : ExitCode.failure,
        ...(sessionError ? { ending: { diagnostics: sessionError.diagnostics } } : {}),
      };
    }
    if (ctx.signal.aborted) return { code: ExitCode.interrupted };
    if (options.watch) return { code: ExitCode.ok };
    const state = store.getState();
    const failed = [
      ...state.order.filter((name) => state.resources[name]?.phase !== 'ready'),
      // A local command must have succeeded; a `serve` one must have started and still run.
      ...Object.values(state.locals).filter((l) => !localReady(l)),
    ];
    if (timedOut) return { code: ExitCode.failure, ending: { timedOutAfterMs: options.timeoutMs } };
    return { code: started === 'quit' || failed.length > 0 ? ExitCode.failure : ExitCode.ok };
  }
}

/** An exception that escaped the loop: one line saying so, for the last words. */
function internalError(error: unknown): Diagnostic {
  return {
    severity: 'error',
    code: 'internal-error',
    message: `internal error: ${errorText(error)}`,
    hint: 'this is a bug in devloop; devloop stopped its work. Please report it with the command you ran.',
  };
}
