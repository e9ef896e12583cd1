import type { ManifestSource } from '../core/manifest-source.ts';
import type { DeliveryMode, WorkloadKind } from './types.ts';

/** The configuration after merging, overriding and defaulting: what the rest of devloop reads. */
export interface ResolvedConfig {
  /** Absolute path of the team-shared config file. */
  readonly configFile: string;
  /** Absolute path of the personal override file, when one was merged. */
  readonly localFile: string | undefined;
  /** Directory of the config file; relative paths start here. */
  readonly rootDir: string;
  readonly images: Readonly<Record<string, ResolvedImage>>;
  /** Globs as written (relative to `rootDir`), Helm charts and Kustomize directories (absolute paths). */
  readonly manifests: readonly ManifestSource[];
  readonly resources: Readonly<Record<string, ResolvedResource>>;
  /** Commands run on this machine, by name. */
  readonly local: Readonly<Record<string, ResolvedLocalCommand>>;
  readonly cluster: ResolvedCluster;
  readonly watch: { readonly debounceMs: number; readonly ignore: readonly string[] };
  readonly build: { readonly concurrency: number };
}

export interface ResolvedImage {
  readonly name: string;
  /** Absolute context directory. */
  readonly context: string;
  /** Absolute Dockerfile path. */
  readonly dockerfile: string;
  readonly target: string | undefined;
  readonly buildArgs: Readonly<Record<string, string>>;
  /** BuildKit secrets by id; file paths absolute. */
  readonly secrets: Readonly<Record<string, ResolvedSecret>>;
  readonly dependsOn: readonly string[];
  readonly ignore: readonly string[];
  readonly repository: string;
  /** True when the config allows the context or Dockerfile to lie outside the project root. */
  readonly allowOutsideProject?: boolean;
  /** Live update rules as written (`infer`: from the target stage's COPY instructions); undefined without `sync`. */
  readonly sync?: readonly { readonly from: string; readonly to: string }[] | 'infer';
  /** Commands run in each synced container after a sync that touched `when` (every sync when `when` is empty). */
  readonly run?: readonly { readonly command: readonly string[]; readonly when: readonly string[] }[];
  /** `auto` when `sync` is set, unless the config says `off`. */
  readonly syncMode?: 'auto' | 'off';
}

/** Where a BuildKit secret comes from: an environment variable, or an absolute file path. */
export type ResolvedSecret = { readonly env: string } | { readonly file: string };

export interface ResolvedResource {
  readonly name: string;
  /** `kindGiven`: the config named the kind (otherwise the manifests' workload of that name decides). */
  readonly workload: {
    readonly kind: WorkloadKind | (string & {});
    readonly name: string;
    readonly kindGiven?: boolean;
    /** A custom resource's image fields (dotted paths). */
    readonly imagePaths?: readonly string[];
  };
  /** Container name → image name; empty means "match by image name". */
  readonly containers: Readonly<Record<string, string>>;
  readonly dependsOn: readonly string[];
  readonly portForwards: readonly ResolvedPortForward[];
  readonly trigger: 'auto' | 'manual';
}

export interface ResolvedLocalCommand {
  readonly name: string;
  /** Program and arguments, as written. */
  readonly command: readonly string[];
  /** Globs as written, relative to `rootDir`. */
  readonly deps: readonly string[];
  readonly serve: boolean;
  /** Absolute working directory. */
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly dependsOn: readonly string[];
  readonly trigger: 'auto' | 'manual';
}

export interface ResolvedPortForward {
  readonly local: number;
  readonly remote: number;
  readonly container: string | undefined;
}

export interface ResolvedCluster {
  readonly context: string;
  readonly namespace: string;
  readonly k3d: { readonly name: string; readonly registry: string | undefined };
  readonly delivery: DeliveryMode;
  readonly allowContexts: readonly string[];
}
