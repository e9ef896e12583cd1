import { messageAfterReason } from '../../core/problem.ts';
import type { TextSink } from '../../core/text-sink.ts';
import type { Action } from '../../engine/actions.ts';
import type { LogLine } from '../../engine/ports.ts';
import type { ReportedLogs, ReportedStore, Reporter } from './reporter.ts';

/** A log line as `--output json` writes it. */
export interface JsonLogEvent {
  readonly event: 'log';
  readonly resource: string;
  readonly pod: string;
  readonly container: string;
  readonly timestamp: string;
  readonly text: string;
}

/** Every line `--output json` writes: an action with its type repeated as `event`, a log line, or the exit. */
export type JsonEvent =
  | (Action & { readonly event: Action['type'] })
  | JsonLogEvent
  | { readonly event: 'notice'; readonly message: string }
  | { readonly event: 'exit'; readonly code: number };

/**
 * `--output json`: one JSON object per line for editors and CI. Each action
 * is written as it is, with `event` set to its `type`; log lines become
 * `{"event":"log",…}`, notices `{"event":"notice","message"}`; `close(code)` writes `{"event":"exit","code":N}` last.
 * Field names are the actions' own, so the JSON, the UI and the benchmarks
 * read the same facts; a problem's message leaves out the reason when it
 * started with it, as the UI and the plain report do.
 */
export class JsonReporter implements Reporter {
  #sink: TextSink;
  #unsubscribe: (() => void)[];
  #closed = false;

  constructor(options: { store: ReportedStore; logs: ReportedLogs; sink: TextSink }) {
    this.#sink = options.sink;
    this.#unsubscribe = [
      options.store.subscribe((action) => this.#write({ event: action.type, ...reasonOnce(action) })),
      // Build lines are already `build-output` events.
      options.logs.subscribe((line) => line.source !== 'build' && this.#write(logEvent(line))),
    ];
  }

  notice(message: string): void {
    this.#write({ event: 'notice', message });
  }

  close(code: number): void {
    if (this.#closed) return;
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    this.#write({ event: 'exit', code });
    this.#closed = true;
  }

  #write(event: JsonEvent): void {
    if (this.#closed) return;
    this.#sink.write(`${JSON.stringify(event)}\n`);
  }
}

function reasonOnce(action: Action): Action {
  if (!('problem' in action)) return action;
  const message = messageAfterReason(action.problem);
  return message === action.problem.message ? action : { ...action, problem: { ...action.problem, message } };
}

function logEvent(line: LogLine): JsonLogEvent {
  return { event: 'log', resource: line.resource, pod: line.pod, container: line.container, timestamp: line.timestamp, text: line.text };
}
