import type { LogStore } from '../../engine/log-store.ts';
import type { Store } from '../../engine/store.ts';

/** The read side of the engine a reporter follows. */
export type ReportedStore = Pick<Store, 'getState' | 'subscribe'>;
/** The log store's feed of new lines. */
export type ReportedLogs = Pick<LogStore, 'subscribe'>;

/**
 * Output for pipes, CI and editors, fed by the same actions as the terminal
 * UI. Created before the engine starts so it sees every action; `close` stops
 * following and writes whatever ends the stream.
 */
export interface Reporter {
  /** A message from outside the actions (a config reload, a watcher warning). */
  notice(message: string): void;
  close(code: number): void;
}
