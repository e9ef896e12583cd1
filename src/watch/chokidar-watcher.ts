import { type FSWatcher, watch } from 'chokidar';
import type { FileWatcher } from './file-watcher.ts';
import type { WatchFilter } from './watch-filter.ts';

/**
 * The real `FileWatcher` over chokidar (the only file importing it). Pruned
 * directories are never walked, so a large ignored tree costs nothing.
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
      ignored: (file, stats) => this.#filter(file, stats ? (stats.isDirectory() ? 'directory' : 'file') : 'unknown'),
    });
    this.#watcher = watcher;
    watcher.on('add', (file) => onEvent(file, 'add'));
    watcher.on('change', (file) => onEvent(file, 'change'));
    watcher.on('unlink', (file) => onEvent(file, 'unlink'));
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
