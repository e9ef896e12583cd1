import * as path from 'node:path';
import type { SeenFileChange } from '../core/file-change.ts';
import type { Problem } from '../core/problem.ts';
import type { Result } from '../core/result.ts';
import { unreachable } from '../core/unreachable.ts';
import type { Timers } from '../watch/batcher.ts';
import type { Action } from './actions.ts';
import { type ArrivingImage, announceImage, deployableWhilePushing } from './deploy-while-pushing.ts';
import { HeldWork } from './held-work.ts';
import { buildStep, deliverStep, type StepContext } from './image-steps.ts';
import { iterationKind, LiveUpdates, type SyncWork } from './live-updates.ts';
import { LiveWatches } from './live-watches.ts';
import { beforePlan, LocalCommands } from './local-commands.ts';
import { localReady } from './local-reducer.ts';
import type { LogStore } from './log-store.ts';
import type { LoopLocal, LoopModel, LoopResource } from './loop-model.ts';
import type {
  BuiltImage,
  ComponentProbe,
  DeliveredImage,
  Deployer,
  ImageBuilder,
  ImageDeliverer,
  ImagePlan,
  ImagePlanner,
  LiveUpdater,
  LocalRunner,
  LogFollower,
  SyncPlanner,
} from './ports.ts';
import { runSteps, type StepResult, type StepRunners } from './run-steps.ts';
import { chooseResources, type EndReason, type IterationWork, type WaitReason } from './scheduler.ts';
import type { Store } from './store.ts';

/** Everything the loop drives, as interfaces. */
export interface DevLoopOptions {
  readonly store: Store;
  readonly logs: LogStore;
  readonly model: LoopModel;
  readonly planner: ImagePlanner;
  readonly builder: ImageBuilder;
  readonly deliverer: ImageDeliverer;
  readonly deployer: Deployer;
  readonly logFollower: LogFollower;
  /** Project root: changed paths are reported relative to it. */
  readonly rootDir?: string;
  readonly now?: () => number;
  /**
   * Asks a component that was down whether it answers again. Without it, work
   * that failed because a component was down waits for the next edit.
   */
  readonly probe?: ComponentProbe;
  /** The probe's waits. */
  readonly timers?: Timers;
  /** Live update: decides which changes may be copied into running containers, and copies them. Without both, every change rebuilds. */
  readonly syncPlanner?: SyncPlanner;
  readonly liveUpdater?: LiveUpdater;
  /** An exception (a bug) in work the loop started by itself, e.g. a retry after a hold. */
  readonly onFault?: (error: unknown) => void;
  /** Runs the model's local commands; needed when it has any. */
  readonly localRunner?: LocalRunner;
}

/**
 * The controller of the inner loop. Each batch of changes becomes one
 * iteration: plan every image (cheap, no Docker), then per resource
 * build → deliver → apply or patch → follow the rollout, images of
 * independent resources in parallel, dependencies first. A batch that
 * changes what an unfinished iteration is producing cancels it (builds are
 * killed with their process tree) and a new iteration starts from the
 * current files, so what ends up running always matches the last save. A
 * batch that changes nothing it produces is planned and dropped. When work
 * fails because a component is down (registry, Docker, API server), it is
 * held: the component is probed with backoff and the held resources run
 * again, from a fresh plan, as soon as it answers; a newer batch takes over.
 * Local commands a batch concerns run in the same iteration: those that wait
 * only for other local commands before the plan (a code generator's output
 * is then in the build), the rest among the deploys.
 */
export class DevLoop {
  readonly #o: DevLoopOptions;
  readonly #now: () => number;
  #iteration = 0;
  /** Resources of the running iteration the user asked to run again with the trigger key. */
  #triggered: ReadonlySet<string> = new Set();
  /** The handle of the running iteration's work (what it produces is in the state: `work`). */
  #current: { iteration: number; abort: AbortController; done: Promise<unknown> } | undefined;
  #pending: SeenFileChange[] = [];
  /** A plan of the pending batch made while an iteration ran (to see whether it supersedes it): its own iteration uses it. */
  #prePlanned: { readonly changes: readonly SeenFileChange[]; readonly plan: ReturnType<ImagePlanner['plan']> } | undefined;
  readonly #holds: HeldWork;
  #queue: Promise<void> = Promise.resolve();
  #stopped = false;
  /** Aborted by `stop()` only: a sync is not cut short by newer changes (it takes ~100 ms; the next one copies those). */
  readonly #stopping = new AbortController();
  /** Watches of ready workloads for changes made outside devloop. */
  readonly #live: LiveWatches;
  /** Files copied into running containers instead of rebuilding. */
  readonly #liveUpdates: LiveUpdates;
  /** What the build and delivery steps use. */
  readonly #steps: StepContext;
  /** The project's local commands: which a batch makes due, running them, the `serve` ones between iterations. */
  readonly #locals: LocalCommands;
  /** The images each resource was last applied or patched with: what a patch made during a failed push goes back to. */
  readonly #deployedImages = new Map<string, ReadonlyMap<string, DeliveredImage>>();

  constructor(options: DevLoopOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
    const { store, probe, timers, onFault } = options;
    this.#steps = {
      dispatch: (action) => this.#dispatch(action),
      now: this.#now,
      model: options.model,
      logs: options.logs,
      builder: options.builder,
      deliverer: options.deliverer,
    };
    this.#holds = new HeldWork({ store, now: this.#now, probe, timers, onFault });
    this.#locals = new LocalCommands({
      locals: options.model.locals ?? [],
      runner: options.localRunner,
      getState: store.getState,
      dispatch: (action) => this.#dispatch(action),
      now: this.#now,
      logs: options.logs,
    });
    this.#liveUpdates = new LiveUpdates({
      ...(options.syncPlanner ? { planner: options.syncPlanner } : {}),
      ...(options.liveUpdater ? { updater: options.liveUpdater } : {}),
      dispatch: (action) => this.#dispatch(action),
      now: this.#now,
    });
    this.#live = new LiveWatches({
      store: options.store,
      deployer: options.deployer,
      now: this.#now,
      stopped: () => this.#stopped,
      // A pod that replaced a synced one runs the image: copy the synced files into it again.
      onHealed: (resource) => {
        if (this.#liveUpdates.requestResync(resource)) void this.#enqueue([], false).catch((error: unknown) => onFault?.(error));
      },
    });
  }

  #dispatch(action: Action): void {
    this.#o.store.dispatch(action);
  }

  /**
   * Announces the resources and runs the first full pass. Like `changes` and
   * `trigger`, the promise rejects only on a bug (an exception rather than a
   * failed step); later batches still run.
   */
  start(): Promise<void> {
    const { model } = this.#o;
    const images = [...new Set([...model.resources.flatMap((r) => r.images), ...Object.keys(model.imageDependencies)])];
    this.#dispatch({
      type: 'engine-started',
      at: this.#now(),
      resources: model.resources.map((r) => ({ name: r.name, images: r.images, dependsOn: r.dependsOn, trigger: r.trigger })),
      images,
      ...(this.#locals.all.length
        ? {
            locals: this.#locals.all.map((l) => ({
              name: l.name,
              command: l.command,
              dependsOn: l.dependsOn,
              trigger: l.trigger,
              serve: l.serve,
            })),
          }
        : {}),
    });
    return this.#enqueue([], true);
  }

  /** A batch from the watcher. */
  changes(batch: readonly SeenFileChange[]): Promise<void> {
    this.#dispatch({
      type: 'changes-detected',
      at: this.#now(),
      paths: batch.map((c) => (this.#o.rootDir ? path.relative(this.#o.rootDir, c.path) || c.path : c.path)),
      firstSeenAt: Math.min(...batch.map((c) => c.at)),
    });
    return this.#enqueue(batch, false);
  }

  /** The trigger key for a resource (manual resources wait for it; others rebuild) or a local command (it runs again). */
  trigger(resource: string): Promise<void> {
    this.#dispatch({ type: 'trigger-requested', at: this.#now(), resource });
    return this.#enqueue([], false);
  }

  /** Cancels the running iteration; resolves when its work has stopped. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#stopping.abort();
    this.#holds.end(undefined);
    this.#cancel('stopping');
    await this.#current?.done.catch(() => undefined);
    await this.#locals.stopAll();
    this.#live.stopAll();
    this.#o.liveUpdater?.stopAll?.();
    this.#o.logFollower.stopAll();
  }

  /** Resolves when no iteration is running or queued. */
  idle(): Promise<void> {
    return this.#queue;
  }

  #enqueue(batch: readonly SeenFileChange[], firstPass: boolean): Promise<void> {
    this.#pending.push(...batch);
    const previous = this.#queue;
    const next = previous.then(async () => {
      if (this.#stopped) return;
      const changes = this.#pending.splice(0);
      const { resources, locals } = this.#o.store.getState();
      const asked = [...Object.values(resources), ...Object.values(locals)].some((r) => r.rerun !== undefined);
      const nothingAsked = !asked && !this.#liveUpdates.resyncPending;
      if (!firstPass && changes.length === 0 && nothingAsked) return;
      await this.#runIteration(changes, firstPass);
    });
    // An iteration that threw (a bug) must not stop the ones queued after it;
    // the caller of this one gets the error.
    this.#queue = next.catch(() => undefined);
    // A newer batch must be able to cancel the iteration now running: plan it
    // right away and abort the current one if it produces something else. A
    // planner that throws here throws again when the batch's own iteration plans.
    if (this.#current && !firstPass) void this.#maybeSupersede().catch(() => undefined);
    return next;
  }

  async #maybeSupersede(): Promise<void> {
    const current = this.#current;
    // Before its steps (local commands run first) an iteration produces no tags yet: nothing to compare.
    if (!current || this.#o.store.getState().work?.iteration !== current.iteration) return;
    const changes = [...this.#pending];
    const plan = this.#o.planner.plan(changes);
    this.#prePlanned = { changes, plan };
    const plans = await plan;
    const work = this.#o.store.getState().work;
    if (!plans.ok || this.#current !== current || work?.iteration !== current.iteration) return;
    const differs = plans.value.some((p) => p.image in work.tags && work.tags[p.image] !== p.tag);
    if (differs) this.#cancel('newer-changes');
  }

  /** Cancels the running iteration: nothing more starts, builds are killed, running steps stop. */
  #cancel(because: 'newer-changes' | 'stopping'): void {
    const current = this.#current;
    if (!current || current.abort.signal.aborted) return;
    this.#dispatch({ type: 'work-cancelling', at: this.#now(), iteration: current.iteration, because });
    current.abort.abort(because);
  }

  /**
   * The plan of `changes`: the one made while the previous iteration ran, when
   * no change came since. After local commands ran (`rescan`) every context is
   * looked at again: what they wrote is not among the changes yet.
   */
  #plan(changes: readonly SeenFileChange[], rescan: boolean): ReturnType<ImagePlanner['plan']> {
    const pre = this.#prePlanned;
    this.#prePlanned = undefined;
    const same = pre && pre.changes.length === changes.length && pre.changes.every((c, i) => c === changes[i]);
    if (rescan) return this.#o.planner.plan(changes, { rescan: true });
    return same ? pre.plan : this.#o.planner.plan(changes);
  }

  async #runIteration(changes: readonly SeenFileChange[], firstPass: boolean): Promise<void> {
    const { store, model } = this.#o;
    this.#holds.end('newer-changes');
    const iteration = ++this.#iteration;
    const due = await this.#locals.due(changes, firstPass);
    for (const local of due) this.#dispatch({ type: 'local-queued', at: this.#now(), local: local.name });
    const { before, after } = beforePlan(due, this.#locals.all);
    if (before.length > 0) {
      const first = await this.#runLocalsFirst(iteration, before);
      if (first.cancelled || this.#stopped) return;
    }
    const plannedAt = this.#now();
    // What a command that ran to its end wrote is not among the changes yet (a `serve` one only started).
    const planned = await this.#plan(
      changes,
      before.some((l) => !l.serve),
    );
    const changeSeenAt = changes.length ? Math.min(...changes.map((c) => c.at)) : plannedAt;
    if (!planned.ok) {
      this.#dispatch({
        type: 'iteration-started',
        at: this.#now(),
        iteration,
        resources: model.resources.map((r) => r.name),
        changeSeenAt,
      });
      this.#dispatch({ type: 'plan-failed', at: this.#now(), problem: planned.error });
      this.#dispatch({ type: 'iteration-completed', at: this.#now(), iteration, ok: false });
      return;
    }
    const plans = new Map(planned.value.map((p) => [p.image, p]));
    const state = store.getState();
    this.#liveUpdates.note(model.resources, changes);
    const { affected, forced, awaitingTrigger, unchanged } = chooseResources(state, model.resources, plans, {
      firstPass,
      wantsResync: (name) => this.#liveUpdates.wantsResync(name),
    });
    this.#triggered = new Set(affected.filter((r) => state.resources[r.name]?.rerun === 'trigger').map((r) => r.name));
    for (const name of unchanged) this.#liveUpdates.current(name, false);
    for (const resource of awaitingTrigger)
      this.#dispatch({ type: 'resource-waiting', at: this.#now(), resource, waiting: { kind: 'trigger' } });
    this.#dispatch({ type: 'iteration-started', at: this.#now(), iteration, resources: affected.map((r) => r.name), changeSeenAt });
    this.#dispatch({ type: 'plan-completed', at: this.#now(), startedAt: plannedAt, plans: planned.value });
    const syncs = new Map<string, SyncWork>();
    for (const r of affected) {
      const current = state.resources[r.name];
      // `syncing`: a sync whose iteration newer changes superseded; the containers still run the image plus earlier syncs.
      const running = current?.phase === 'ready' || current?.phase === 'syncing';
      const eligible = !forced.has(r.name) && current?.applied === true && running;
      const work = await this.#liveUpdates.decide(r, plans, current, eligible);
      if (work) syncs.set(r.name, work);
      // A synced resource keeps its pods, so its watch for changes made outside devloop goes on.
      else this.#live.stop(r.name);
    }
    if (affected.length === 0 && after.length === 0) {
      this.#dispatch({ type: 'iteration-completed', at: this.#now(), iteration, ok: this.#succeeded(before) });
      return;
    }

    const abort = new AbortController();
    const tags = Object.fromEntries(affected.flatMap((r) => r.images.map((image) => [image, plans.get(image)?.tag ?? ''])));
    this.#dispatch({ type: 'work-started', at: this.#now(), iteration, tags });
    const done = this.#runResources(affected, plans, abort, syncs, after);
    this.#current = { iteration, abort, done };
    let outcome: Awaited<typeof done>;
    try {
      outcome = await done;
    } finally {
      this.#current = undefined;
    }
    if (outcome.cancelled) {
      if (!this.#stopped) this.#dispatch({ type: 'iteration-superseded', at: this.#now(), iteration });
      return;
    }
    const ok = [...affected, ...after].every((r) => outcome.ready.has(r.name)) && this.#succeeded(before);
    const kind = iterationKind(
      this.#o.store.getState(),
      affected.map((r) => r.name),
    );
    this.#dispatch({ type: 'iteration-completed', at: this.#now(), iteration, ok, kind });
    if (this.#stopped) return;
    this.#holds.afterIteration(
      affected.map((r) => r.name),
      () => this.#enqueue([], false),
    );
  }

  /**
   * Runs the local commands that wait only for local commands, before the
   * plan; cancelled only when the loop stops (a newer batch waits for them).
   */
  async #runLocalsFirst(iteration: number, locals: readonly LoopLocal[]): Promise<{ readonly cancelled: boolean }> {
    const abort = new AbortController();
    const work: IterationWork = {
      resources: [],
      syncs: new Set(),
      imageDependencies: {},
      rebuilds: new Set(),
      buildConcurrency: 1,
      locals,
    };
    const runners: StepRunners = {
      run: (step) => (step.kind === 'local' ? this.#locals.run(step.local, abort.signal) : Promise.resolve('failed')),
      waiting: (name, reason) => this.#waiting(name, reason),
      ended: (name, reason) => this.#ended(name, reason),
    };
    const done = runSteps({ work, runners, readyOutside: (name) => this.#readyOutside(name), abort });
    this.#current = { iteration, abort, done };
    try {
      return await done;
    } finally {
      this.#current = undefined;
    }
  }

  /** Whether each of these local commands succeeded (or, a `serve` one, started) in this iteration. */
  #succeeded(locals: readonly LoopLocal[]): boolean {
    const { locals: states } = this.#o.store.getState();
    return locals.every((l) => {
      const state = states[l.name];
      return state !== undefined && localReady(state);
    });
  }

  /** A dependency the iteration does not touch: a ready resource, a local command that succeeded or serves. */
  #readyOutside(name: string): boolean {
    const { resources, locals } = this.#o.store.getState();
    const local = locals[name];
    if (local) return localReady(local);
    return resources[name]?.phase === 'ready';
  }

  #waiting(name: string, reason: WaitReason): void {
    if (reason.kind !== 'resource') return;
    const waiting = { kind: 'dependency', on: reason.on } as const;
    if (this.#locals.has(name)) this.#dispatch({ type: 'local-waiting', at: this.#now(), local: name, waiting });
    else this.#dispatch({ type: 'resource-waiting', at: this.#now(), resource: name, waiting });
  }

  #ended(name: string, reason: EndReason): void {
    if (reason.kind === 'dependency-not-ready') {
      const waiting = { kind: 'dependency-not-ready', on: reason.on } as const;
      if (this.#locals.has(name)) this.#dispatch({ type: 'local-waiting', at: this.#now(), local: name, waiting });
      else this.#dispatch({ type: 'resource-waiting', at: this.#now(), resource: name, waiting });
    } else if (this.#o.store.getState().resources[name]?.phase !== 'failed') this.#baseFailed(name, reason.image);
  }

  /** Runs the iteration's steps in the scheduler's order (see `nextSteps`). */
  #runResources(
    affected: readonly LoopResource[],
    plans: Map<string, ImagePlan>,
    abort: AbortController,
    syncs: ReadonlyMap<string, SyncWork>,
    locals: readonly LoopLocal[],
  ): Promise<{ readonly ready: ReadonlySet<string>; readonly cancelled: boolean }> {
    const { model } = this.#o;
    const { signal } = abort;
    const built = new Map<string, BuiltImage>();
    const delivered = new Map<string, DeliveredImage>();
    const byName = new Map(affected.map((r) => [r.name, r]));
    const arriving = new Map<string, ArrivingImage>();
    const deployWhilePushing = deployableWhilePushing({
      resources: affected,
      state: this.#o.store.getState(),
      deployer: this.#o.deployer,
      deliverer: this.#o.deliverer,
      previous: this.#deployedImages,
    });
    const pushedEarly = new Set(affected.filter((r) => deployWhilePushing.has(r.name)).flatMap((r) => r.images));
    const work: IterationWork = {
      resources: affected,
      syncs: new Set(syncs.keys()),
      imageDependencies: model.imageDependencies,
      rebuilds: new Set([...plans.values()].filter((p) => p.rebuild).map((p) => p.image)),
      buildConcurrency: model.buildConcurrency,
      locals,
      deployWhilePushing,
    };
    const runners: StepRunners = {
      run: async (step, announce) => {
        switch (step.kind) {
          case 'build':
            return buildStep(this.#steps, plans.get(step.image), signal, built);
          case 'deliver': {
            const image = built.get(step.image);
            // Where a resource deploys during the push, say where the image will be pulled from before it lands.
            const early = image && pushedEarly.has(step.image) ? announceImage(this.#o.deliverer, image) : undefined;
            if (early) {
              arriving.set(step.image, early.arriving);
              announce();
            }
            const result = await deliverStep(this.#steps, image, signal, delivered);
            early?.settle(result === 'done');
            return result;
          }
          case 'sync': {
            const synced = await this.#liveUpdates.run(step.resource, syncs.get(step.resource) as SyncWork, this.#stopping.signal);
            if (signal.aborted) return 'cancelled';
            if (synced) return 'done';
            // The build path takes over in this iteration, from the current files.
            this.#live.stop(step.resource);
            return 'failed';
          }
          case 'deploy': {
            const resource = byName.get(step.resource);
            if (!resource) return 'failed';
            return this.#deployResource(resource, delivered, signal, arriving);
          }
          case 'local':
            return this.#locals.run(step.local, signal);
          default:
            return unreachable(step);
        }
      },
      waiting: (name, reason) => this.#waiting(name, reason),
      ended: (name, reason) => this.#ended(name, reason),
    };
    return runSteps({ work, runners, readyOutside: (name) => this.#readyOutside(name), abort });
  }

  async #deployResource(
    resource: LoopResource,
    delivered: ReadonlyMap<string, DeliveredImage>,
    signal: AbortSignal,
    arriving: ReadonlyMap<string, ArrivingImage> = new Map(),
  ): Promise<StepResult> {
    const imageMap = new Map<string, DeliveredImage>();
    // References patched in before their push ended, with the promise of each landing.
    const travelling = new Map<string, Promise<boolean>>();
    for (const image of resource.images) {
      const done = delivered.get(image);
      const coming = done ? undefined : arriving.get(image);
      if (done) imageMap.set(image, done);
      else if (coming) {
        imageMap.set(image, coming.delivered);
        travelling.set(coming.delivered.deployRef, coming.landed);
      }
    }
    const mode = this.#o.store.getState().resources[resource.name]?.applied ? 'patch' : 'apply';
    const previous = this.#deployedImages.get(resource.name);
    this.#dispatch({ type: 'deploy-started', at: this.#now(), resource: resource.name, mode });
    const options = { rerun: this.#triggered.has(resource.name) };
    const deployed =
      mode === 'apply'
        ? await this.#o.deployer.apply([resource.name], imageMap, signal, options)
        : await this.#o.deployer.patch(resource.name, imageMap, signal, options);
    if (travelling.size > 0) return this.#followWhilePushing(resource, imageMap, travelling, previous, deployed, signal);
    if (signal.aborted) return 'cancelled';
    if (!deployed.ok) return this.#fail(resource.name, deployed.error);
    this.#deployedImages.set(resource.name, imageMap);
    return this.#followRollout(resource, imageMap, signal);
  }

  /** After the apply or patch: follows the rollout to ready or a diagnosed failure. */
  async #followRollout(
    resource: LoopResource,
    imageMap: ReadonlyMap<string, DeliveredImage>,
    signal: AbortSignal,
    arriving?: ReadonlyMap<string, Promise<boolean>>,
  ): Promise<StepResult> {
    this.#liveUpdates.current(resource.name, true);
    const tags = Object.fromEntries([...imageMap.values()].map((i) => [i.image, i.tag]));
    this.#dispatch({ type: 'deploy-completed', at: this.#now(), resource: resource.name, tags });
    this.#o.logFollower.follow(resource.name, (line) => this.#o.logs.append(line));
    const rollout = await this.#o.deployer.waitReady(resource.name, {
      signal,
      onProgress: (progress) => this.#dispatch({ type: 'rollout-progress', at: this.#now(), resource: resource.name, progress }),
      ...(arriving ? { arriving } : {}),
    });
    if (signal.aborted) return 'cancelled';
    if (!rollout.ok) return this.#fail(resource.name, rollout.error);
    this.#dispatch({ type: 'resource-ready', at: this.#now(), resource: resource.name, progress: rollout.value, unchanged: false });
    this.#live.watch(resource.name, rollout.value);
    return 'done';
  }

  /**
   * A patch made while images were still being pushed: the rollout is
   * followed meanwhile. When a push fails or is cancelled, the rollout stops
   * and the workload gets its previous images back (its old pods were kept:
   * see `patchableWhilePushing`); the delivery's failure is the resource's.
   */
  async #followWhilePushing(
    resource: LoopResource,
    imageMap: ReadonlyMap<string, DeliveredImage>,
    travelling: ReadonlyMap<string, Promise<boolean>>,
    previous: ReadonlyMap<string, DeliveredImage> | undefined,
    deployed: Result<void, Problem>,
    signal: AbortSignal,
  ): Promise<StepResult> {
    const allLanded = Promise.all(travelling.values()).then((landed) => landed.every(Boolean));
    if (!deployed.ok) {
      // Nothing changed in the cluster; a failed delivery is already the resource's failure.
      if (signal.aborted) return 'cancelled';
      return (await allLanded) ? this.#fail(resource.name, deployed.error) : 'failed';
    }
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    void allLanded.then((ok) => ok || stop.abort());
    try {
      const failedMeanwhile = this.#o.store.getState().resources[resource.name]?.phase === 'failed';
      const followed =
        stop.signal.aborted || failedMeanwhile ? 'cancelled' : await this.#followRollout(resource, imageMap, stop.signal, travelling);
      if (await allLanded) {
        this.#deployedImages.set(resource.name, imageMap);
        return signal.aborted ? 'cancelled' : followed;
      }
      if (previous) {
        const back = await this.#o.deployer.patch(resource.name, previous, new AbortController().signal);
        if (!back.ok) {
          const refs = [...travelling.keys()].join(', ');
          this.#fail(resource.name, {
            ...back.error,
            message: `its workload still names ${refs}, whose push did not finish, and putting the previous image back failed: ${back.error.message}`,
          });
        }
      }
      return signal.aborted ? 'cancelled' : 'failed';
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  /**
   * A resource whose image was never built because an image it builds FROM
   * failed: the base's failure is on the resources running the base, so this
   * one says which base stopped it.
   */
  #baseFailed(resource: string, image: string): void {
    const { images } = this.#o.store.getState();
    const deps = this.#o.model.imageDependencies;
    const seen = new Set<string>();
    const failedBase = (name: string): string | undefined => {
      if (seen.has(name)) return undefined;
      seen.add(name);
      for (const dep of deps[name] ?? []) {
        const found = images[dep]?.status === 'failed' ? dep : failedBase(dep);
        if (found) return found;
      }
      return undefined;
    };
    const base = failedBase(image);
    this.#fail(resource, {
      stage: 'build',
      reason: 'build-failed',
      message: base ? `${image} was not built: ${base}, which it builds FROM, failed to build` : `${image} was not built`,
      fix: base ? `see the build of ${base} (its log pane and detail view)` : 'see the build output',
    });
  }

  #fail(resource: string, problem: Problem): 'failed' {
    this.#dispatch({ type: 'resource-failed', at: this.#now(), resource, problem });
    return 'failed';
  }
}
