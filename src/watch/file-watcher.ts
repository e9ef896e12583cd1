/** A source of raw file events; the chokidar adapter in production, a fake in tests. */
export interface FileWatcher {
  /** Starts watching; resolves when the initial scan is done, with the number of watched paths. */
  start(onEvent: (path: string, kind: 'add' | 'change' | 'unlink') => void, onError: (message: string) => void): Promise<number>;
  close(): Promise<void>;
}
