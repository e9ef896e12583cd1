/**
 * A changed path: absolute as the watcher reports it, or relative to a build
 * context as `devloop plan --changed` names it. One vocabulary from the
 * watcher through planning to the engine.
 */
export interface FileChange {
  readonly path: string;
  /** chokidar's words: a file appeared, its content changed, or it went away. */
  readonly kind: 'add' | 'change' | 'unlink';
}

/** A change as the watcher saw it, with when: the loop's timings start there. */
export interface SeenFileChange extends FileChange {
  /** Epoch ms of the first event for this path in its batch. */
  readonly at: number;
}
