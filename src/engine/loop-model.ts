/** What the loop needs to know about the project, derived from the config. */
export interface LoopModel {
  readonly resources: readonly LoopResource[];
  /** Image name → devloop images it builds FROM. */
  readonly imageDependencies: Readonly<Record<string, readonly string[]>>;
  readonly buildConcurrency: number;
  /** Absolute manifest files: a change to one reopens the session (the manifests are read when it opens). */
  readonly isManifest: (path: string) => boolean;
  /** Commands run on this machine: once at the start, again when their deps change. */
  readonly locals?: readonly LoopLocal[];
}

export interface LoopResource {
  readonly name: string;
  readonly images: readonly string[];
  readonly dependsOn: readonly string[];
  readonly trigger: 'auto' | 'manual';
}

export interface LoopLocal {
  readonly name: string;
  /** The program and its arguments, for messages. */
  readonly command: readonly string[];
  /** Local commands and resources that must have succeeded (be ready) before it runs. */
  readonly dependsOn: readonly string[];
  readonly trigger: 'auto' | 'manual';
  /** Long-running: started, restarted when its deps change; its exit is a failure. */
  readonly serve: boolean;
  /** Whether a changed file (absolute path) is one of its deps. */
  readonly watches: (path: string) => boolean;
}
