import { type FSWatcher, watch } from 'chokidar';
import type { FileWatcher } from './file-watcher.ts';
import type { WatchFilter } from './watch-filter.ts';

/**
 * The real `FileWatcher` over chokidar (the only file importing it). Pruned
 * directories are never walked, so a large ignored tree costs nothing.
 * Files are judged when their events arrive rather than during the initial
 * scan: on a 100k-file context that saves a third of the scan's CPU and the
 * matchers' per-path caches (ignored files in watched directories are still
 * listed by chokidar, but none of their events get through).
 * Linux ENOSPC means the inotify watch limit is reached; the message says how
 * to raise it.
 */
export class ChokidarWatcher implements FileWatcher {
  #watcher: FSWatcher | undefined;
  readonly #roots: readonly string[];
  readonly #filter: WatchFilter;

  constructor(options: { roots: readonly string[]; filter: WatchFilter }) {
    this.#roots = options.roots;
    this.#filter = options.filter;
  }

  start(onEvent: (path: string, kind: 'add' | 'change' | 'unlink') => void, onError: (message: string) => void): Promise<number> {
    const watcher = watch([...this.#roots], {
      ignoreInitial: true,
      persistent: true,
      followSymlinks: false,
      atomic: true,
      // Only directories are decided while scanning (pruning what no context needs); files are
      // filtered when an event arrives, so the initial scan does not run the filter 100k times.
      ignored: (file, stats) => !stats?.isFile() && this.#filter(file, stats ? (stats.isDirectory() ? 'directory' : 'file') : 'unknown'),
    });
    this.#watcher = watcher;
    const forward = (kind: 'add' | 'change' | 'unlink') => (file: string) => {
      if (!this.#filter(file, kind === 'unlink' ? 'unknown' : 'file')) onEvent(file, kind);
    };
    watcher.on('add', forward('add'));
    watcher.on('change', forward('change'));
    watcher.on('unlink', forward('unlink'));
    watcher.on('error', (error) => {
      const code = (error as { code?: string }).code;
      onError(
        code === 'ENOSPC'
          ? 'the inotify watch limit is reached: raise it with `sudo sysctl fs.inotify.max_user_watches=524288`, or add ignore patterns'
          : String((error as Error).message ?? error),
      );
    });
    return new Promise((resolve) => {
      watcher.on('ready', () => {
        const watched = watcher.getWatched();
        let count = 0;
        for (const entries of Object.values(watched)) count += entries.length;
        resolve(count);
      });
    });
  }

  async close(): Promise<void> {
    await this.#watcher?.close();
  }
}
