import type { Diagnostic } from '../core/diagnostic.ts';
import type { Problem } from '../core/problem.ts';
import type { Hold } from './hold.ts';
import type { Phase } from './phase.ts';
import type { DeliveredImage, ImagePlan, RolloutProgress } from './ports.ts';
import type { Waiting } from './waiting.ts';

/** One timed step of an iteration. */
export interface PhaseTiming {
  readonly name: 'plan' | 'sync' | 'build' | 'deliver' | 'apply' | 'patch' | 'rollout';
  readonly startedAt: number;
  readonly endedAt: number | undefined;
  /** What did the work, e.g. `buildx build`, `docker push`, `API server`: known when the phase ends. */
  readonly process?: string;
}

/** What happened to one resource in one iteration, with times (epoch ms). */
export interface Timeline {
  readonly iteration: number;
  /** When the first change of the batch was seen (or the start, for the first pass). */
  readonly changeSeenAt: number;
  readonly phases: readonly PhaseTiming[];
  readonly readyAt: number | undefined;
}

export interface ResourceState {
  readonly name: string;
  readonly phase: Phase;
  readonly trigger: 'auto' | 'manual';
  /** devloop images the resource runs. */
  readonly images: readonly string[];
  readonly dependsOn: readonly string[];
  /** Why it is not moving: a dependency, its trigger key, a component that is down. */
  readonly waiting: Waiting | undefined;
  readonly problem: Problem | undefined;
  readonly rollout: RolloutProgress | undefined;
  /** Image name → tag running in the cluster. */
  readonly deployedTags: Readonly<Record<string, string>>;
  /** Changes arrived for a manual resource that was not triggered yet. */
  readonly pendingManual: boolean;
  /** Deployed in this session: later deploys patch its images instead of applying its manifests. */
  readonly applied: boolean;
  /**
   * Asked to run again whatever the plan says: the trigger key, or work held
   * for a component that answered. The next iteration takes it.
   */
  readonly rerun: 'trigger' | 'retry' | undefined;
  readonly timeline: Timeline | undefined;
  readonly lastEditToReadyMs: number | undefined;
  /**
   * Image → content tag of files synced into the running containers since the
   * image was deployed ("synced ahead of image"); a pod that replaces one gets
   * them again. Empty once a rebuild is deployed.
   */
  readonly syncedTags?: Readonly<Record<string, string>>;
  /** The last live update: what it did, or why it did not (`rebuild: requirements.txt is not synced`). */
  readonly sync?: SyncNote;
}

/** The last live-update event of a resource, for the UI. */
export type SyncNote =
  | {
      readonly kind: 'synced';
      readonly files: number;
      readonly pods: number;
      readonly bytes: number;
      readonly durationMs: number;
      readonly resync: boolean;
    }
  | { readonly kind: 'skipped'; readonly why: string }
  | { readonly kind: 'failed'; readonly message: string; readonly fix: string | undefined; readonly lasting: boolean };

/** A step of a running build: its number in the Dockerfile (of `total`, when known) and its instruction. */
export interface BuildStep {
  readonly index: number;
  readonly total: number | undefined;
  readonly text: string;
}

export interface ImageState {
  readonly name: string;
  readonly plan: ImagePlan | undefined;
  readonly status: 'unknown' | 'fresh' | 'queued' | 'building' | 'built' | 'delivering' | 'delivered' | 'failed';
  /** The step the build runs now, for the spinner. */
  readonly step: BuildStep | undefined;
  readonly deployRef: string | undefined;
  /** The last delivery's record: how it got there (`describeDelivery` words it), how long it took, the bytes that moved. */
  readonly delivered: DeliveredImage | undefined;
  readonly buildMs: number | undefined;
}

/**
 * Where a local command stands: `pending` until it runs (not run yet, or
 * taken by an iteration and waiting for what it depends on), `running`,
 * `succeeded`, `serving` (a `serve` command that started and keeps
 * running), or `failed` (its exit code and last lines in `problem`).
 */
export type LocalStatus = 'pending' | 'running' | 'succeeded' | 'serving' | 'failed';

export interface LocalState {
  readonly name: string;
  /** The program and its arguments. */
  readonly command: readonly string[];
  readonly serve: boolean;
  readonly trigger: 'auto' | 'manual';
  readonly dependsOn: readonly string[];
  readonly status: LocalStatus;
  /** Why it does not run yet: a dependency, its trigger key. */
  readonly waiting: Waiting | undefined;
  /** The latest run: when it started and, once it ended, when and with which exit code. */
  readonly run: LocalRun | undefined;
  readonly problem: Problem | undefined;
  /** Asked to run again (the trigger key); the next iteration takes it. */
  readonly rerun: 'trigger' | undefined;
  /** Its deps changed while it is `manual`: it runs on the trigger key. */
  readonly pendingManual: boolean;
}

export interface LocalRun {
  readonly startedAt: number;
  readonly endedAt: number | undefined;
  readonly exitCode: number | undefined;
}

/** Everything the UI and the reports show; changed only by the reducer. */
export interface EngineState {
  readonly startedAt: number;
  readonly iteration: number;
  readonly watch: 'starting' | 'watching' | 'paused';
  /** The watcher's latest error, until a reload starts a new watcher. */
  readonly watchError: string | undefined;
  /** Diagnostics of a config edit that did not load; the last good config keeps running. */
  readonly configProblems: readonly Diagnostic[];
  /** Resource names in dependency order. */
  readonly order: readonly string[];
  readonly resources: Readonly<Record<string, ResourceState>>;
  readonly images: Readonly<Record<string, ImageState>>;
  /** Local commands by name, in config order. */
  readonly locals: Readonly<Record<string, LocalState>>;
  /** Paths of the batch being worked on, relative to the project. */
  readonly lastChanges: readonly string[];
  /** Work waiting for a component that is down, probed until it answers. */
  readonly hold: Hold | undefined;
  /** The iteration running its steps: the tags it produces, and why it is being cancelled, if it is. */
  readonly work: RunningWork | undefined;
  readonly stopping: boolean;
}

export interface RunningWork {
  readonly iteration: number;
  /** Image → the tag this iteration builds and deploys. */
  readonly tags: Readonly<Record<string, string>>;
  readonly cancelling: 'newer-changes' | 'stopping' | undefined;
}

/** The state before anything happened. */
export function initialState(now: number): EngineState {
  return {
    startedAt: now,
    iteration: 0,
    watch: 'starting',
    watchError: undefined,
    configProblems: [],
    order: [],
    resources: {},
    images: {},
    locals: {},
    lastChanges: [],
    hold: undefined,
    work: undefined,
    stopping: false,
  };
}
