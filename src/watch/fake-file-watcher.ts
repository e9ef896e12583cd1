import type { FileWatcher } from './file-watcher.ts';

/** A `FileWatcher` that tests drive by hand. */
export class FakeFileWatcher implements FileWatcher {
  #onEvent: ((path: string, kind: 'add' | 'change' | 'unlink') => void) | undefined;
  #onError: ((message: string) => void) | undefined;
  closed = false;

  async start(onEvent: (path: string, kind: 'add' | 'change' | 'unlink') => void, onError: (message: string) => void): Promise<number> {
    this.#onEvent = onEvent;
    this.#onError = onError;
    return 0;
  }

  emit(path: string, kind: 'add' | 'change' | 'unlink' = 'change'): void {
    this.#onEvent?.(path, kind);
  }

  /** Reports an error as the real watcher would (the inotify limit, a directory it cannot read). */
  fail(message: string): void {
    this.#onError?.(message);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
