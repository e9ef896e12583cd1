import type { FileWatcher } from './file-watcher.ts';

/** A `FileWatcher` that tests drive by hand. */
export class FakeFileWatcher implements FileWatcher {
  #onEvent: ((path: string, kind: 'add' | 'change' | 'unlink') => void) | undefined;
  closed = false;

  async start(onEvent: (path: string, kind: 'add' | 'change' | 'unlink') => void): Promise<number> {
    this.#onEvent = onEvent;
    return 0;
  }

  emit(path: string, kind: 'add' | 'change' | 'unlink' = 'change'): void {
    this.#onEvent?.(path, kind);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
