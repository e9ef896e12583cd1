/** A source of raw file events; the chokidar adapter in production, a fake in tests. */
export interface FileWatcher {
  /**
   * Starts watching; resolves, with the number of watched paths, once every
   * later change is sure to be reported. The watcher's own scan of the tree
   * may wait for `scanAfter`; a change made before that scan has covered its
   * directory is reported when the scan ends.
   */
  start(
    onEvent: (path: string, kind: 'add' | 'change' | 'unlink') => void,
    onError: (message: string) => void,
    options?: { scanAfter?: PromiseLike<unknown> },
  ): Promise<number>;
  close(): Promise<void>;
}
