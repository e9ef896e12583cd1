/** What the loop needs to know about the project, derived from the config. */
export interface LoopModel {
  readonly resources: readonly LoopResource[];
  /** Image name → devloop images it builds FROM. */
  readonly imageDependencies: Readonly<Record<string, readonly string[]>>;
  readonly buildConcurrency: number;
  /** Absolute manifest files: a change to one reopens the session (the manifests are read when it opens). */
  readonly isManifest: (path: string) => boolean;
}

export interface LoopResource {
  readonly name: string;
  readonly images: readonly string[];
  readonly dependsOn: readonly string[];
  readonly trigger: 'auto' | 'manual';
}
