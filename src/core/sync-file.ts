/**
 * A file of a live update: copied from the project into the container, or
 * deleted there. Live-update planning makes these; the Kubernetes side copies them.
 */
export interface SyncFile {
  /** Absolute path in the project (also for a deletion: what was deleted). */
  readonly localPath: string;
  /** Absolute path in the container. */
  readonly containerPath: string;
  readonly kind: 'write' | 'delete';
}
