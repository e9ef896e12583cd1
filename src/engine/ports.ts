import type { BuildProgress } from '../build/build-output.ts';
import type { BuiltImage, ImagePlan } from '../build/image-plan.ts';
import type { SyncPlan } from '../build/sync-planner.ts';
import type { FileChange } from '../core/file-change.ts';
import type { Problem } from '../core/problem.ts';
import type { Result } from '../core/result.ts';
import type { SyncFile } from '../core/sync-file.ts';
import type { DeliveredImage } from '../deliver/delivered-image.ts';
import type { SyncFailure, SyncReport } from '../k8s/kube-live-updater.ts';
import type { LogLine } from '../k8s/log-line.ts';
import type { RolloutProgress } from '../k8s/rollout-problem.ts';
import type { LiveChange } from '../k8s/workload-drift.ts';
import type { LocalExit } from '../local/host-local-runner.ts';

/**
 * What the engine needs from the outside, as small interfaces. The build,
 * delivery and Kubernetes modules satisfy them (the CLI wires them); the
 * engine's tests use fakes. The data they carry is defined once, by the
 * module that produces it, and named here for the engine.
 */

export type { BuiltImage, ImagePlan } from '../build/image-plan.ts';
export type { SyncPlan } from '../build/sync-planner.ts';
export type { SyncFile } from '../core/sync-file.ts';
export { type DeliveredImage, deliveredSentence, describeDelivery } from '../deliver/delivered-image.ts';
export type { SyncFailure, SyncReport } from '../k8s/kube-live-updater.ts';
export type { LogLine } from '../k8s/log-line.ts';
export type { RolloutProgress } from '../k8s/rollout-problem.ts';
export type { LiveChange } from '../k8s/workload-drift.ts';
export type { LocalExit } from '../local/host-local-runner.ts';

export interface ImagePlanner {
  /**
   * Plans every image; `changed` are the batch's paths (empty on the first
   * pass). `rescan`: files may have changed that are not in `changed` (a
   * local command ran), so every context is looked at again.
   */
  plan(changed: readonly FileChange[], options?: { readonly rescan?: boolean }): Promise<Result<ImagePlan[], Problem>>;
}

export interface ImageBuilder {
  /** `onProgress` hears the build module's own reading of the output (the step running, cached, failed), so nothing parses it again. */
  build(
    plan: ImagePlan,
    options: { signal: AbortSignal; onLine: (line: string) => void; onProgress?: (progress: BuildProgress) => void },
  ): Promise<Result<BuiltImage, Problem>>;
}

export interface ImageDeliverer {
  /** Checks before any build: local context or allowed, cluster reachable. */
  preflight(): Promise<Result<void, Problem>>;
  deliver(
    images: readonly BuiltImage[],
    options: { signal: AbortSignal; onLine: (image: string, line: string) => void },
  ): Promise<Result<DeliveredImage[], Problem>>;
  /** The reference and pull policy `image` will have once its push to a registry ends; undefined when it is not pushed. */
  announce?(image: BuiltImage): { readonly deployRef: string; readonly imagePullPolicy: string } | undefined;
}

export interface DeployOptions {
  /** The user asked to run it again (the trigger key): a Job runs again even when unchanged, a CronJob starts a Job. */
  readonly rerun?: boolean;
}

export interface Deployer {
  /** Server-side applies the manifests of `resources` with the given images injected. */
  apply(
    resources: readonly string[],
    images: ReadonlyMap<string, DeliveredImage>,
    signal: AbortSignal,
    options?: DeployOptions,
  ): Promise<Result<void, Problem>>;
  /** Patches only the images of one resource's workload. */
  patch(
    resource: string,
    images: ReadonlyMap<string, DeliveredImage>,
    signal: AbortSignal,
    options?: DeployOptions,
  ): Promise<Result<void, Problem>>;
  /**
   * Whether the resource's workload may be patched to images still being
   * pushed without stopping a running pod first (a Deployment whose rolling
   * update keeps old pods until new ones are ready).
   */
  patchableWhilePushing?(resource: string): boolean;
  /**
   * Follows the rollout with watches until Ready, or a diagnosed failure.
   * `arriving`: references patched in before their push ended, with the
   * promise of each landing (true when it is in the registry).
   */
  waitReady(
    resource: string,
    options: {
      signal: AbortSignal;
      onProgress: (p: RolloutProgress) => void;
      arriving?: ReadonlyMap<string, Promise<boolean>> | undefined;
    },
  ): Promise<Result<RolloutProgress, Problem>>;
  /** After ready: reports what is done to the workload outside devloop until stopped. */
  watchLive?(resource: string, onChange: (change: LiveChange) => void): { stop(): void } | undefined;
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

export interface SyncPlanner {
  /** Undefined when the image has no live update (or was not planned). */
  planSync(image: string, changes: readonly FileChange[]): Promise<SyncPlan | undefined>;
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

/** Runs the project's local commands on this machine (code generation, a dev server). */
export interface LocalRunner {
  /** Runs `name` until it exits, or until `signal` kills it with everything it started; `onStarted` hears that it runs. */
  run(name: string, options: { signal: AbortSignal; onLine: (line: string) => void; onStarted?: () => void }): Promise<LocalExit>;
  /** When the file last changed (its inode change time, epoch ms); undefined when it is gone. */
  changedAt(path: string): Promise<number | undefined>;
}
