/**
 * The shape of `devloop.config.ts`, as the team writes it. Everything is
 * optional except what cannot be guessed; `resolve-config.ts` fills defaults.
 */
export interface DevloopConfig {
  /** Images devloop builds, by name. The name is also the repository pushed to, unless `repository` says otherwise. */
  images?: Record<string, ImageConfig>;
  /**
   * Where the Kubernetes objects come from, relative to the config file: YAML
   * files or globs (multi-document), `{ helm: { chart, … } }` rendered with
   * `helm template`, or `{ kustomize: 'dir' }` rendered with `kustomize build`.
   */
  manifests?: ManifestEntry[];
  /** Workloads devloop deploys and follows, by name. */
  resources?: Record<string, ResourceConfig>;
  /** Commands run on this machine, by name: code generation, a dev server, a tunnel. */
  local?: Record<string, LocalCommandConfig>;
  cluster?: ClusterConfig;
  watch?: WatchConfig;
  build?: BuildConfig;
}

/** A `manifests` entry: a glob, a Helm chart or a Kustomize directory. */
export type ManifestEntry = string | { helm: HelmChartConfig } | { kustomize: string };

/** A local Helm chart devloop renders with `helm template` (devloop images are injected into what it renders). */
export interface HelmChartConfig {
  /** Chart directory (with Chart.yaml) or packaged chart (.tgz), relative to the config file. */
  chart: string;
  /** Default: the chart's directory name. */
  releaseName?: string;
  /** `--namespace`; objects that name none land there. Default: `cluster.namespace`. */
  namespace?: string;
  /** Values files (`-f`), relative to the config file, in order. */
  values?: string[];
  /** Values set on the command line: strings as `--set-string`, numbers and booleans as `--set`. */
  set?: Record<string, string | number | boolean>;
}

export interface ImageConfig {
  /** Build context directory, relative to the config file. */
  context: string;
  /** Dockerfile path, relative to the context. Default `Dockerfile`. */
  dockerfile?: string;
  /** Build stage to stop at (`docker build --target`). */
  target?: string;
  /** `--build-arg`s; part of the content digest. Secrets belong in `secrets`, not here. */
  buildArgs?: Record<string, string>;
  /**
   * BuildKit secrets by id, for `RUN --mount=type=secret,id=<id>`: read from an
   * environment variable or a file (relative to the config file). Never on the
   * command line or in the image; their content counts in the digest only as a hash.
   */
  secrets?: Record<string, BuildSecretConfig>;
  /** Other devloop images this one builds FROM; they are built first. */
  dependsOn?: string[];
  /** Extra patterns (.dockerignore syntax, relative to the context) that never trigger a rebuild. */
  ignore?: string[];
  /** Repository name used in manifests and pushes. Default: the image's key. */
  repository?: string;
  /**
   * Allow `context` or `dockerfile` to lie outside the project (the config
   * file's directory), also through symlinks. Default false: such a path is a
   * config error, since the whole context is sent to Docker and walked.
   */
  allowOutsideProject?: boolean;
  /**
   * Live update: files to copy into the running containers instead of
   * rebuilding, `{ from, to }` (from relative to the context, to absolute in
   * the container), or `'infer'` to derive them from the target stage's COPY
   * instructions. A change outside these, or one a RUN step reads, rebuilds.
   */
  sync?: SyncRuleConfig[] | 'infer';
  /** Commands run in each synced container after a sync that touched `when` (globs relative to the context; every sync when absent). */
  run?: RunStepConfig[];
  /** `auto` (default when `sync` is set) syncs covered changes; `off` always rebuilds. */
  syncMode?: 'auto' | 'off';
}

/** One live-update rule: a file or directory of the context and where it lives in the container. */
export interface SyncRuleConfig {
  from: string;
  to: string;
}

/** A command run in each synced container after a sync. */
export interface RunStepConfig {
  command: string[];
  when?: string[];
}

/** Where a BuildKit secret's content comes from: `{ env: 'NPM_TOKEN' }` or `{ file: '.secrets/npmrc' }`. */
export type BuildSecretConfig = { env: string } | { file: string };

/**
 * Workloads devloop deploys and follows, each by its own readiness rules:
 * Deployment, StatefulSet and DaemonSet roll out (kubectl's rules); a Job is
 * ready when it completed and is re-created when it changes; a CronJob gets
 * the new image and is not run; a bare Pod is re-created when it changes.
 */
export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Job' | 'CronJob' | 'Pod';

export interface ResourceConfig {
  /** The workload; default the workload named like the resource (a Deployment when several kinds share the name). */
  workload?: {
    /** One of the workload kinds, or a custom resource's kind together with `imagePaths`. */
    kind?: WorkloadKind | (string & {});
    name?: string;
    /**
     * For a custom resource whose controller makes the pods (an operator):
     * the dotted paths of its image fields, e.g. `['spec.runner.image']`
     * (`spec.containers[0].image` indexes a list). devloop sets them and
     * follows the pods the resource owns (through ReplicaSets, Deployments,
     * StatefulSets) or that carry its labels.
     */
    imagePaths?: string[];
  };
  /** Container name → devloop image name. Default: containers whose image names a devloop image. */
  containers?: Record<string, string>;
  /** Resources that must be ready, and local commands that must have succeeded, before this one is deployed. */
  dependsOn?: string[];
  /** Local port → container port, e.g. `"8080:80"` or `{ local: 8080, remote: 80 }`. */
  portForwards?: Array<string | number | PortForwardConfig>;
  /** `auto` rebuilds on every change; `manual` waits for a trigger key. Default `auto`. */
  trigger?: 'auto' | 'manual';
}

/**
 * A command devloop runs on the host (never through a shell unless it is
 * `['sh', '-c', …]`): once at the start, and again when a file matching
 * `deps` changes.
 */
export interface LocalCommandConfig {
  /** The program and its arguments. */
  command: string[];
  /** Globs relative to the config file; a change to a matching file runs the command again. None: it runs once. */
  deps?: string[];
  /** True for a long-running process (a dev server, a tunnel): started, restarted when `deps` change; its exit is a failure. */
  serve?: boolean;
  /** Working directory, relative to the config file. Default: the config file's directory. */
  cwd?: string;
  /** Extra environment variables, over devloop's own. */
  env?: Record<string, string>;
  /** Local commands and resources that must have succeeded (be ready) before it runs. */
  dependsOn?: string[];
  /** `manual`: after the first run, changes wait for the trigger key. Default `auto`. */
  trigger?: 'auto' | 'manual';
}

export interface PortForwardConfig {
  local: number;
  remote: number;
  container?: string;
}

export type DeliveryMode = 'auto' | 'registry' | 'import';

export interface ClusterConfig {
  /** Kube context. Default `k3d-<k3d.name>`. */
  context?: string;
  /** Namespace for resources without one. Default `default`. */
  namespace?: string;
  k3d?: {
    /** k3d cluster name. Default `dev`. */
    name?: string;
    /** Registry as the host pushes to it, e.g. `k3d-registry.localhost:5000`. Default: discovered from the cluster. */
    registry?: string;
  };
  /** How images reach the cluster. Default `auto`: the registry when there is one, `k3d image import` otherwise. */
  delivery?: DeliveryMode;
  /** Non-local contexts devloop may deploy to, by exact name. */
  allowContexts?: string[];
}

export interface WatchConfig {
  /** Quiet period before a batch of changes is acted on. Default 80 ms. */
  debounceMs?: number;
  /** Extra patterns (gitignore syntax, relative to the config file) never watched. */
  ignore?: string[];
}

export interface BuildConfig {
  /** How many independent images build at once. Default 2. */
  concurrency?: number;
}

/** Identity function that gives editors the config's types. */
export function defineConfig(config: DevloopConfig): DevloopConfig {
  return config;
}
