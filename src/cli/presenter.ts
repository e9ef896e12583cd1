import type { Diagnostic } from '../core/diagnostic.ts';
import { ExitCode } from '../core/exit-code.ts';
import { err, ok, type Result } from '../core/result.ts';
import { localReady } from '../engine/local-reducer.ts';
import type { LogStore } from '../engine/log-store.ts';
import type { Store } from '../engine/store.ts';
import { printDiagnostics } from '../report/diagnostic-printer.ts';
import { JsonReporter } from '../report/reporters/json-reporter.ts';
import { PlainReporter } from '../report/reporters/plain-reporter.ts';
import type { Reporter } from '../report/reporters/reporter.ts';
import type { CliContext } from './cli-context.ts';

/** `ui`: the Ink screen; `plain`: prefixed lines; `json`: one event per line. */
export type OutputMode = 'ui' | 'plain' | 'json';

/** `--output auto|ui|plain|json`; auto is the UI on a terminal, plain lines otherwise. */
export function parseOutputMode(ctx: CliContext, value: string | undefined): Result<OutputMode, ExitCode> {
  const wanted = value ?? 'auto';
  if (wanted === 'auto') return ok(ctx.terminal ? 'ui' : 'plain');
  if (wanted === 'plain' || wanted === 'json') return ok(wanted);
  if (wanted === 'ui') {
    if (ctx.terminal) return ok('ui');
    ctx.stderr.write('error: --output ui needs a terminal; use --output plain or json\n');
    return err(ExitCode.usage);
  }
  ctx.stderr.write(`error: --output: expected auto, ui, plain or json, got "${wanted}"\n`);
  return err(ExitCode.usage);
}

/** What ended the run, for the last words. */
export interface Ending {
  readonly diagnostics?: readonly Diagnostic[];
  readonly timedOutAfterMs?: number | undefined;
}

/** The one output of a loop run: the UI or a reporter. */
export interface Presenter {
  notice(message: string): void;
  close(code: ExitCode, ending?: Ending): Promise<void>;
}

/** Opens the UI or a reporter over the store and log store; the UI's modules load only when it is used. */
export async function openPresenter(
  ctx: CliContext,
  options: {
    mode: OutputMode;
    store: Store;
    logs: LogStore;
    onTrigger: (resource: string) => void;
    onTogglePause: () => void;
    onQuit: () => void;
  },
): Promise<Presenter> {
  const { store, logs } = options;
  const finalWords = (ending: Ending | undefined, json: boolean) => {
    if (ending?.timedOutAfterMs !== undefined) {
      const state = store.getState();
      const waiting = state.order
        .map((name) => state.resources[name])
        .filter((r) => r && r.phase !== 'ready')
        .map((r) => `${r?.name}: ${r?.problem?.message ?? r?.waiting ?? r?.rollout?.message ?? r?.phase}`)
        .concat(Object.values(state.locals).flatMap((l) => (localReady(l) ? [] : [`${l.name}: ${l.problem?.message ?? l.status}`])));
      const message = `timed out after ${Math.round(ending.timedOutAfterMs / 1000)}s; not ready: ${waiting.join('; ') || 'nothing'}`;
      if (json) ctx.stdout.write(`${JSON.stringify({ event: 'timeout', message })}\n`);
      else ctx.stderr.write(`error: ${message}\n`);
    }
    if (ending?.diagnostics?.length) {
      if (json) ctx.stdout.write(`${JSON.stringify({ event: 'error', diagnostics: ending.diagnostics })}\n`);
      else printDiagnostics(ctx.stderr, ending.diagnostics, { color: ctx.color, cwd: ctx.cwd });
    }
  };
  if (options.mode === 'ui' && ctx.terminal) {
    const { renderUi } = await import('../ui/render-ui.tsx');
    const ui = renderUi({
      store,
      logs,
      stdout: ctx.terminal.stdout,
      stdin: ctx.terminal.stdin,
      stderr: ctx.terminal.stderr,
      onTrigger: options.onTrigger,
      onTogglePause: options.onTogglePause,
      onQuit: options.onQuit,
    });
    return {
      notice: (message) => logs.append({ resource: 'devloop', pod: '', container: '', timestamp: new Date().toISOString(), text: message }),
      close: async (_code, ending) => {
        await ui.unmount();
        finalWords(ending, false);
      },
    };
  }
  const reporter: Reporter =
    options.mode === 'json'
      ? new JsonReporter({ store, logs, sink: ctx.stdout })
      : new PlainReporter({ store, logs, sink: ctx.stdout, color: ctx.color, cwd: ctx.cwd });
  return {
    notice: (message) => reporter.notice(message),
    close: async (code, ending) => {
      finalWords(ending, options.mode === 'json');
      reporter.close(code);
    },
  };
}
