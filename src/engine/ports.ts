import type { FileChange } from '../core/file-change.ts';
import type { Problem } from '../core/problem.ts';
import type { Result } from '../core/result.ts';

/**
 * What the engine needs from the outside, as small interfaces. The CLI wires
 * the real build, delivery and Kubernetes modules behind them; the engine's
 * tests use fakes.
 */

/** One file event, path absolute. */

/** A plan answer for one image. */
export interface ImagePlan {
  readonly image: string;
  readonly rebuild: boolean;
  readonly tag: string;
  /** The local image reference, `repository:tag`. */
  readonly reference: string;
  readonly digest: string;
  /** e.g. `step 5/7 COPY ./app ./app`, or undefined when fresh. */
  readonly firstInvalidatedStep: string | undefined;
  readonly changedInputs: readonly string[];
  /** Why it is fresh or why it rebuilds, in words. */
  readonly explanation: string;
}

export interface ImagePlanner {
  /** Plans every image; `changed` are the batch's paths (empty on the first pass). */
  plan(changed: readonly FileChange[]): Promise<Result<ImagePlan[], Problem>>;
}

export interface BuiltImage {
  readonly image: string;
  /** Local reference, `repo:tag`. */
  readonly ref: string;
  readonly tag: string;
  readonly cached: boolean;
  /** Which builder made it: `BuildKit` (buildx, or the engine's own) or `classic`. */
  readonly builder?: 'BuildKit' | 'classic';
}

export interface ImageBuilder {
  build(plan: ImagePlan, options: { signal: AbortSignal; onLine: (line: string) => void }): Promise<Result<BuiltImage, Problem>>;
}

export interface DeliveredImage {
  readonly image: string;
  /** What manifests get. */
  readonly deployRef: string;
  readonly imagePullPolicy: string;
  /** How it got there; `skipped` when the registry or the nodes already had it. */
  readonly stage: 'registry-push' | 'cluster-import' | 'skipped';
  /** Where images go for this cluster: its registry, or imported into its nodes. */
  readonly route?: 'registry' | 'import';
  /** Why nothing moved (skipped only), e.g. `registry already has localhost:5000/web:devloop-3f9a`. */
  readonly why?: string;
}

/**
 * The words the UI and the reports use for a delivery: its stage, or where
 * the image already was when nothing moved (`already in the registry`,
 * `already in the cluster`).
 */
export function describeDelivery(d: Pick<DeliveredImage, 'stage' | 'route'>): string {
  if (d.stage !== 'skipped') return d.stage;
  return d.route === 'registry' ? 'already in the registry' : 'already in the cluster';
}

/** A finished delivery in a sentence, from `describeDelivery`'s words: `delivered by registry-push`, `already in the registry`. */
export function deliveredSentence(words: string): string {
  return words === 'registry-push' || words === 'cluster-import' ? `delivered by ${words}` : words;
}

export interface ImageDeliverer {
  /** Checks before any build: local context or allowed, cluster reachable. */
  preflight(): Promise<Result<void, Problem>>;
  deliver(
    images: readonly BuiltImage[],
    options: { signal: AbortSignal; onLine: (image: string, line: string) => void },
  ): Promise<Result<DeliveredImage[], Problem>>;
}

/** Progress of a rollout, for the resource list. */
export interface RolloutProgress {
  readonly message: string;
  readonly podsReady: number;
  readonly podsWanted: number;
}

/** Something done to a ready resource's workload outside devloop. */
export type LiveChange =
  | { readonly kind: 'image-changed'; readonly container: string; readonly expected: string; readonly actual: string }
  | { readonly kind: 'pod-deleted'; readonly pod: string }
  | { readonly kind: 'replicas'; readonly ready: number; readonly wanted: number }
  /** A container restarted inside its pod (it runs the image's files again) and is ready. */
  | { readonly kind: 'container-restarted'; readonly pod: string; readonly container: string };

export interface Deployer {
  /** Server-side applies the manifests of `resources` with the given images injected. */
  apply(resources: readonly string[], images: ReadonlyMap<string, DeliveredImage>, signal: AbortSignal): Promise<Result<void, Problem>>;
  /** Patches only the images of one resource's workload. */
  patch(resource: string, images: ReadonlyMap<string, DeliveredImage>, signal: AbortSignal): Promise<Result<void, Problem>>;
  /** Follows the rollout with watches until Ready, or a diagnosed failure. */
  waitReady(
    resource: string,
    options: { signal: AbortSignal; onProgress: (p: RolloutProgress) => void },
  ): Promise<Result<RolloutProgress, Problem>>;
  /** After ready: reports what is done to the workload outside devloop until stopped. */
  watchLive?(resource: string, onChange: (change: LiveChange) => void): { stop(): void } | undefined;
}

/** A line of a container's log, already attributed. */
export interface LogLine {
  readonly resource: string;
  readonly pod: string;
  readonly container: string;
  readonly timestamp: string;
  readonly text: string;
  /**
   * `build`: a line of an image's build, kept in the resource's log pane
   * beside its pods' logs; reporters print builds from the `build-output`
   * actions instead, so they skip these.
   */
  readonly source?: 'build';
}

export interface LogFollower {
  /** Starts following every container of the resource's pods; idempotent. */
  follow(resource: string, onLine: (line: LogLine) => void): void;
  stopAll(): void;
}

/** A part of the machine the loop's work goes through, which can be down for a while and come back. */
export type Component = 'registry' | 'docker' | 'kube-api';

export interface ComponentProbe {
  /** True when the component answers a cheap request now (registry `GET /v2/`, `docker version`, an API read). */
  answers(component: Component, signal: AbortSignal): Promise<boolean>;
}

/** A file of a live update: copied from the project into the container, or deleted there. */
export interface SyncFile {
  /** Absolute path in the project (also for a deletion: what was deleted). */
  readonly localPath: string;
  /** Absolute path in the container. */
  readonly containerPath: string;
  readonly kind: 'write' | 'delete';
}

/**
 * The live-update answer for one image and the changes since its containers
 * last matched a known state: copy these files (then run these commands), or
 * rebuild and why. `key` names the Dockerfile it was decided against, so a
 * live update found impossible stays off until the Dockerfile changes.
 */
export type SyncPlan =
  | { readonly kind: 'sync'; readonly files: readonly SyncFile[]; readonly runs: readonly (readonly string[])[]; readonly key: string }
  | { readonly kind: 'rebuild'; readonly why: string; readonly key: string };

export interface SyncPlanner {
  /** Undefined when the image has no live update (or was not planned). */
  planSync(image: string, changes: readonly FileChange[]): Promise<SyncPlan | undefined>;
}

/** What one sync did. */
export interface SyncReport {
  readonly pods: readonly string[];
  readonly files: number;
  readonly bytes: number;
}

/** A failed sync: the problem in plain words, and whether every later sync of this image would fail the same way. */
export interface SyncFailure {
  readonly problem: Problem;
  readonly lasting: boolean;
}

export interface LiveUpdater {
  /** Copies the files into every ready pod of the resource running the image, in parallel, then runs the commands there. */
  sync(
    request: {
      readonly resource: string;
      readonly image: string;
      readonly files: readonly SyncFile[];
      readonly runs: readonly (readonly string[])[];
    },
    signal: AbortSignal,
  ): Promise<Result<SyncReport, SyncFailure>>;
  /** Stops what it keeps running between syncs (pod watches). */
  stopAll?(): void;
}
