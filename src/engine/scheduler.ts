import { type ImageDependencies, nextImages, type StepOutcome } from '../build/build-order.ts';
import type { LoopLocal, LoopResource } from './loop-model.ts';
import { isBusy } from './phase.ts';
import type { ImagePlan } from './ports.ts';
import { dependencyOrder } from './reducer.ts';
import type { EngineState } from './state.ts';

/**
 * What one iteration has to do, fixed when it starts: the resources it
 * brings up to date, the ones that try a live update first, and which images
 * really rebuild (the others only pass their dependencies on).
 */
export interface IterationWork {
  readonly resources: readonly LoopResource[];
  /** Resources whose changes are copied into their running containers first; a failed sync falls back to the build path. */
  readonly syncs: ReadonlySet<string>;
  readonly imageDependencies: ImageDependencies;
  /** Images whose plan rebuilds: they take a build slot. */
  readonly rebuilds: ReadonlySet<string>;
  readonly buildConcurrency: number;
  /** Local commands the iteration runs, each once what it depends on is ready (a local command: succeeded). */
  readonly locals?: readonly LoopLocal[];
  /**
   * Resources that may deploy while their images are still being pushed
   * (their deliveries `announced` where the cluster will pull them from):
   * the cluster starts making the new pods during the push.
   */
  readonly deployWhilePushing?: ReadonlySet<string>;
}

/** One unit of work the loop runs. */
export type Step =
  | { readonly kind: 'build'; readonly image: string }
  | { readonly kind: 'deliver'; readonly image: string }
  | { readonly kind: 'sync'; readonly resource: string }
  /** Apply or patch, then follow the rollout to ready. */
  | { readonly kind: 'deploy'; readonly resource: string }
  /** Runs a local command (starts a `serve` one). */
  | { readonly kind: 'local'; readonly local: string };

export type StepKey = `${Step['kind']}:${string}`;

export function stepKey(step: Step): StepKey {
  if (step.kind === 'local') return `local:${step.local}`;
  return step.kind === 'build' || step.kind === 'deliver' ? `${step.kind}:${step.image}` : `${step.kind}:${step.resource}`;
}

/**
 * Where each step of the iteration stands; absent = not started.
 * `announced`: a delivery still running whose reference is known (a push).
 */
export type Progress = ReadonlyMap<StepKey, StepStatus>;
export type StepStatus = 'running' | 'announced' | StepOutcome;

/** Why a resource (or local command) is not moving yet. */
export type WaitReason =
  | { readonly kind: 'images'; readonly images: readonly string[] }
  /** A resource or local command it depends on. */
  | { readonly kind: 'resource'; readonly on: string };

/** Why a resource will not be deployed in this iteration. */
export type EndReason =
  /** Its image failed to build or deliver (the failure is on the image). */
  | { readonly kind: 'image-failed'; readonly image: string }
  /** A resource it depends on did not become ready (a local command it depends on failed). */
  | { readonly kind: 'dependency-not-ready'; readonly on: string };

/** The answer of `nextSteps`. */
export interface Schedule {
  readonly start: readonly Step[];
  /** Steps that will never run (a dependency failed): record them as skipped. */
  readonly skip: readonly StepKey[];
  readonly waiting: ReadonlyMap<string, WaitReason>;
  /** Resources this iteration gives up on, and why. */
  readonly ended: ReadonlyMap<string, EndReason>;
  /** Nothing runs and nothing can start. */
  readonly settled: boolean;
}

/**
 * The loop's scheduler, pure: from what the iteration has to do and how far
 * each step got, the steps to start now and why everything else waits.
 * Images build dependencies first within the build slots (`nextImages`, the
 * rule `devloop build` follows too), each built image is delivered, and a
 * resource deploys once its images are delivered and the resources it
 * depends on are ready — in this iteration, or already (`readyOutside`, for
 * dependencies the iteration does not touch). A resource with a live update
 * syncs first and needs its images only when the sync failed. A local
 * command runs once what it depends on is ready; a resource that depends on
 * one waits until it succeeded.
 */
export function nextSteps(work: IterationWork, progress: Progress, readyOutside: (resource: string) => boolean): Schedule {
  const start: Step[] = [];
  const skip: StepKey[] = [];
  const waiting = new Map<string, WaitReason>();
  const ended = new Map<string, EndReason>();
  const status = (key: StepKey) => progress.get(key);
  const inIteration = new Map(work.resources.map((r) => [r.name, r]));
  const locals = new Map((work.locals ?? []).map((l) => [l.name, l]));

  // A resource needs its images unless it syncs and the sync has not failed.
  const needsImages = (r: LoopResource) => !work.syncs.has(r.name) || status(`sync:${r.name}`) === 'failed';
  const deployed = [...new Set(work.resources.filter(needsImages).flatMap((r) => r.images))];
  // Base images are built for the images built FROM them; only what a resource runs is delivered.
  const images = imageClosure(deployed, work.imageDependencies);

  const buildProgress = new Map<string, 'running' | StepOutcome>();
  for (const image of images) {
    const s = status(`build:${image}`);
    if (s) buildProgress.set(image, s === 'announced' ? 'running' : s);
  }
  const builds = nextImages({
    dependencies: work.imageDependencies,
    images,
    progress: buildProgress,
    concurrency: work.buildConcurrency,
    takesSlot: (image) => work.rebuilds.has(image),
  });
  for (const image of builds.start) start.push({ kind: 'build', image });
  for (const image of builds.skip) skip.push(`build:${image}`);
  const built = (image: string) => status(`build:${image}`) === 'done';
  const buildFailed = (image: string) => {
    const s = status(`build:${image}`);
    return s === 'failed' || s === 'skipped' || builds.skip.includes(image);
  };
  for (const image of deployed) {
    if (built(image) && !status(`deliver:${image}`)) start.push({ kind: 'deliver', image });
  }

  const outcome = (name: string): 'ready' | 'failed' | 'pending' => {
    if (locals.has(name)) return stepOutcome(status(`local:${name}`));
    if (status(`deploy:${name}`) === 'done' || status(`sync:${name}`) === 'done') return 'ready';
    const deploy = status(`deploy:${name}`);
    return deploy === 'failed' || deploy === 'skipped' ? 'failed' : 'pending';
  };
  // The first dependency not ready: in this iteration by its outcome, otherwise as it stands (`readyOutside`).
  const blockingOf = (dependsOn: readonly string[]) =>
    dependsOn.find((dep) => (inIteration.has(dep) || locals.has(dep) ? outcome(dep) !== 'ready' : !readyOutside(dep)));
  // Waits for the dependency, or ends when it will not become ready in this iteration.
  const holdFor = (name: string, blocking: string, key: StepKey) => {
    const inThis = inIteration.has(blocking) || locals.has(blocking);
    if (!inThis || outcome(blocking) === 'failed' || ended.has(blocking)) end(name, { kind: 'dependency-not-ready', on: blocking }, key);
    else waiting.set(name, { kind: 'resource', on: blocking });
  };
  // Dependencies first, so a resource sees in this same answer that its dependency ended.
  for (const name of dependencyOrder([...locals.values(), ...work.resources])) {
    if (locals.has(name)) {
      if (status(`local:${name}`) !== undefined) continue;
      const blocking = blockingOf(locals.get(name)?.dependsOn ?? []);
      if (blocking === undefined) start.push({ kind: 'local', local: name });
      else holdFor(name, blocking, `local:${name}`);
      continue;
    }
    const r = inIteration.get(name);
    if (!r) continue;
    if (outcome(r.name) !== 'pending' || status(`deploy:${r.name}`) === 'running') continue;
    if (work.syncs.has(r.name)) {
      const sync = status(`sync:${r.name}`);
      if (sync === undefined) start.push({ kind: 'sync', resource: r.name });
      if (sync !== 'failed') continue;
    }
    const failedImage = r.images.find((i) => buildFailed(i) || status(`deliver:${i}`) === 'failed');
    if (failedImage !== undefined) {
      end(r.name, { kind: 'image-failed', image: failedImage });
      continue;
    }
    const early = work.deployWhilePushing?.has(r.name) ?? false;
    const undelivered = r.images.filter((i) => {
      const delivery = status(`deliver:${i}`);
      return delivery !== 'done' && !(early && delivery === 'announced');
    });
    if (undelivered.length > 0) {
      waiting.set(r.name, { kind: 'images', images: undelivered });
      continue;
    }
    const blocking = blockingOf(r.dependsOn);
    if (blocking !== undefined) {
      holdFor(r.name, blocking, `deploy:${r.name}`);
      continue;
    }
    start.push({ kind: 'deploy', resource: r.name });
  }

  function end(name: string, reason: EndReason, key: StepKey = `deploy:${name}`): void {
    ended.set(name, reason);
    skip.push(key);
  }

  const running = [...progress.values()].some((s) => s === 'running' || s === 'announced');
  return { start, skip, waiting, ended, settled: !running && start.length === 0 };
}

/** A local command's step as an outcome: done is ready, failed or skipped is failed. */
function stepOutcome(step: StepStatus | undefined): 'ready' | 'failed' | 'pending' {
  if (step === 'done') return 'ready';
  return step === 'failed' || step === 'skipped' ? 'failed' : 'pending';
}

/** The images and, transitively, the devloop images they build FROM. */
function imageClosure(images: readonly string[], dependencies: ImageDependencies): string[] {
  const out = new Set<string>();
  const visit = (image: string) => {
    if (out.has(image)) return;
    out.add(image);
    for (const d of dependencies[image] ?? []) visit(d);
  };
  for (const image of images) visit(image);
  return [...out];
}

/** Which resources an iteration takes on: the answer of `chooseResources`. */
export interface ResourceChoice {
  readonly affected: readonly LoopResource[];
  /** Resources that take the build path whatever a live update could do (first pass, trigger, retry). */
  readonly forced: ReadonlySet<string>;
  /** Manual resources with changes, waiting for their trigger. */
  readonly awaitingTrigger: readonly string[];
  /** Up to date: nothing to do. */
  readonly unchanged: readonly string[];
}

/**
 * The resources a new plan makes stale, pure: on the first pass all of them;
 * later those never deployed in this session, failed ones (an image set by
 * hand included), those whose images' tags differ from what runs (deployed or
 * synced), and those asked to run again (the trigger key, held work whose
 * component answered). A manual resource with changes waits for its trigger.
 */
export function chooseResources(
  state: EngineState,
  resources: readonly LoopResource[],
  plans: ReadonlyMap<string, ImagePlan>,
  options: { readonly firstPass: boolean; readonly wantsResync: (resource: string) => boolean },
): ResourceChoice {
  const { firstPass } = options;
  const affected: LoopResource[] = [];
  const forced = new Set<string>();
  const awaitingTrigger: string[] = [];
  const unchanged: string[] = [];
  for (const resource of resources) {
    const current = state.resources[resource.name];
    const stale =
      firstPass ||
      !current?.applied ||
      current.phase === 'failed' ||
      // Left half-way by an iteration that newer changes superseded (a rollout cancelled): its dependents wait for it.
      isBusy(current.phase) ||
      resource.images.some((image) => plans.get(image)?.tag !== (current.syncedTags?.[image] ?? current.deployedTags[image]));
    const asked = current?.rerun !== undefined;
    if (asked || firstPass) forced.add(resource.name);
    if (!stale && !asked && !options.wantsResync(resource.name)) unchanged.push(resource.name);
    else if (resource.trigger === 'manual' && !asked && !firstPass) awaitingTrigger.push(resource.name);
    else affected.push(resource);
  }
  return { affected, forced, awaitingTrigger, unchanged };
}
