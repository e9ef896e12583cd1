import type { Store } from '../engine/store.ts';
import type { FileWatcher } from '../watch/file-watcher.ts';

/**
 * Starts a watcher for the loop: its events go to `onChange`; an error it
 * reports (the inotify limit, a directory it cannot read) is dispatched at
 * once as `watch-failed`, so the UI and the reports say so while nothing else
 * happens, and not only when an edit goes unseen. The same error repeated
 * (one per directory) is said once. Resolves once the watcher is ready (its
 * directories listed; the full scan may follow), with
 * `watch-ready`.
 */
export async function startWatcher(
  watcher: FileWatcher,
  options: {
    readonly store: Pick<Store, 'dispatch'>;
    readonly onChange: (path: string, kind: 'add' | 'change' | 'unlink') => void;
    readonly now?: () => number;
    /** The watcher's full scan waits for this (see `FileWatcher.start`). */
    readonly scanAfter?: PromiseLike<unknown>;
  },
): Promise<void> {
  const now = options.now ?? Date.now;
  let last: string | undefined;
  const files = await watcher.start(
    options.onChange,
    (message) => {
      if (message === last) return;
      last = message;
      options.store.dispatch({ type: 'watch-failed', at: now(), message });
    },
    options.scanAfter ? { scanAfter: options.scanAfter } : {},
  );
  options.store.dispatch({ type: 'watch-ready', at: now(), files });
}
