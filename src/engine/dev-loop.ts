import * as path from 'node:path';
import type { SeenFileChange } from '../core/file-change.ts';
import type { Problem } from '../core/problem.ts';
import type { Timers } from '../watch/batcher.ts';
import type { Action } from './actions.ts';
import { HeldWork } from './held-work.ts';
import { buildStep, deliverStep, type StepContext, Superseded } from './image-steps.ts';
import { iterationKind, LiveUpdates, type SyncWork } from './live-updates.ts';
import { LiveWatches } from './live-watches.ts';
import type { LogStore } from './log-store.ts';
import type { LoopModel, LoopResource } from './loop-model.ts';
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
  LogFollower,
  SyncPlanner,
} from './ports.ts';
import { Semaphore } from './semaphore.ts';
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
 */
export class DevLoop {
  readonly #o: DevLoopOptions;
  readonly #now: () => number;
  #iteration = 0;
  #current: { abort: AbortController; done: Promise<boolean>; tags: Map<string, string> } | undefined;
  #pending: SeenFileChange[] = [];
  #applied = new Set<string>();
  #manualTriggers = new Set<string>();
  /** Resources held for a component that answered again: the next iteration runs them whatever the plan says. */
  #retry = new Set<string>();
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

  /** The trigger key for a resource (manual resources wait for it; others rebuild). */
  trigger(resource: string): Promise<void> {
    this.#dispatch({ type: 'trigger-requested', at: this.#now(), resource });
    this.#manualTriggers.add(resource);
    return this.#enqueue([], false);
  }

  /** Cancels the running iteration; resolves when its work has stopped. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#stopping.abort();
    this.#holds.end(undefined);
    this.#current?.abort.abort(new Superseded('stopping'));
    await this.#current?.done.catch(() => undefined);
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
      const nothingAsked = this.#manualTriggers.size === 0 && this.#retry.size === 0 && !this.#liveUpdates.resyncPending;
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
    if (!current) return;
    const plans = await this.#o.planner.plan(this.#pending);
    if (!plans.ok) return;
    const differs = plans.value.some((p) => current.tags.has(p.image) && current.tags.get(p.image) !== p.tag);
    if (differs && this.#current === current) current.abort.abort(new Superseded('newer changes'));
  }

  async #runIteration(changes: readonly SeenFileChange[], firstPass: boolean): Promise<void> {
    const { store, planner, model } = this.#o;
    this.#holds.end('newer-changes');
    const iteration = ++this.#iteration;
    const plannedAt = this.#now();
    const planned = await planner.plan(changes);
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
    const manifestChanged = changes.some((c) => model.isManifest(c.path));
    const state = store.getState();
    const affected: LoopResource[] = [];
    /** Resources that must take the build path whatever live update could do. */
    const forced = new Set<string>();
    this.#liveUpdates.note(model.resources, changes);
    for (const resource of model.resources) {
      const current = state.resources[resource.name];
      const stale =
        firstPass ||
        !this.#applied.has(resource.name) ||
        manifestChanged ||
        current?.phase === 'failed' ||
        this.#live.drifted(resource.name) ||
        resource.images.some((image) => plans.get(image)?.tag !== (current?.syncedTags?.[image] ?? current?.deployedTags[image]));
      const retried = this.#retry.delete(resource.name);
      const triggered = this.#manualTriggers.delete(resource.name) || retried;
      if (triggered || firstPass || manifestChanged) forced.add(resource.name);
      if (!stale && !triggered && !this.#liveUpdates.wantsResync(resource.name)) {
        this.#liveUpdates.current(resource.name, false);
        continue;
      }
      if (resource.trigger === 'manual' && !triggered && !firstPass) {
        this.#dispatch({ type: 'resource-waiting', at: this.#now(), resource: resource.name, why: 'changes pending: press t to deploy' });
        continue;
      }
      affected.push(resource);
    }
    this.#dispatch({ type: 'iteration-started', at: this.#now(), iteration, resources: affected.map((r) => r.name), changeSeenAt });
    this.#dispatch({ type: 'plan-completed', at: this.#now(), startedAt: plannedAt, plans: planned.value });
    const syncs = new Map<string, SyncWork>();
    for (const r of affected) {
      const current = state.resources[r.name];
      // `syncing`: a sync whose iteration newer changes superseded; the containers still run the image plus earlier syncs.
      const running = current?.phase === 'ready' || current?.phase === 'syncing';
      const eligible = !forced.has(r.name) && this.#applied.has(r.name) && running && !this.#live.drifted(r.name);
      const work = await this.#liveUpdates.decide(r, plans, current, eligible);
      if (work) syncs.set(r.name, work);
      // A synced resource keeps its pods, so its watch for changes made outside devloop goes on.
      else this.#live.stop(r.name);
    }
    if (affected.length === 0) {
      this.#dispatch({ type: 'iteration-completed', at: this.#now(), iteration, ok: true });
      return;
    }

    const abort = new AbortController();
    const tags = new Map<string, string>();
    for (const r of affected) for (const image of r.images) tags.set(image, plans.get(image)?.tag ?? '');
    const done = this.#runResources(affected, plans, manifestChanged, abort.signal, syncs);
    this.#current = { abort, done, tags };
    let ok = false;
    try {
      ok = await done;
    } catch (error) {
      if (!(error instanceof Superseded) && !abort.signal.aborted) {
        // An exception is a bug, not a failed step: stop the iteration's other builds and rollouts, then let it surface.
        abort.abort(error);
        throw error;
      }
    } finally {
      this.#current = undefined;
    }
    if (abort.signal.aborted) {
      if (!this.#stopped) this.#dispatch({ type: 'iteration-superseded', at: this.#now(), iteration });
      return;
    }
    const kind = iterationKind(
      this.#o.store.getState(),
      affected.map((r) => r.name),
    );
    this.#dispatch({ type: 'iteration-completed', at: this.#now(), iteration, ok, kind });
    if (this.#stopped) return;
    this.#holds.afterIteration(
      affected.map((r) => r.name),
      (resources) => {
        for (const name of resources) this.#retry.add(name);
        return this.#enqueue([], false);
      },
    );
  }

  async #runResources(
    affected: readonly LoopResource[],
    plans: Map<string, ImagePlan>,
    reapply: boolean,
    signal: AbortSignal,
    syncs: ReadonlyMap<string, SyncWork> = new Map(),
  ): Promise<boolean> {
    const { model } = this.#o;
    const slots = new Semaphore(model.buildConcurrency);
    const built = new Map<string, Promise<BuiltImage | undefined>>();
    const delivered = new Map<string, Promise<DeliveredImage | undefined>>();
    const ready = new Map<string, Promise<boolean>>();

    const build = (image: string): Promise<BuiltImage | undefined> => {
      let promise = built.get(image);
      if (!promise) {
        promise = buildStep(this.#steps, image, plans, slots, build, signal);
        built.set(image, promise);
      }
      return promise;
    };
    const deliver = (image: string): Promise<DeliveredImage | undefined> => {
      let promise = delivered.get(image);
      if (!promise) {
        promise = build(image).then((b) => (b ? deliverStep(this.#steps, b, signal) : undefined));
        delivered.set(image, promise);
      }
      return promise;
    };
    const byName = new Map(affected.map((r) => [r.name, r]));
    const settle = (resource: LoopResource): Promise<boolean> => {
      let promise = ready.get(resource.name);
      if (!promise) {
        const deploy = () => this.#deployResource(resource, { deliver, settle, byName, reapply, signal });
        const work = syncs.get(resource.name);
        // A failed sync falls back to the build path in the same iteration, from the current files.
        promise = work
          ? this.#liveUpdates.run(resource.name, work, this.#stopping.signal).then((synced) => {
              if (synced || signal.aborted) return synced;
              this.#live.stop(resource.name);
              return deploy();
            })
          : deploy();
        ready.set(resource.name, promise);
      }
      return promise;
    };
    const results = await Promise.all(affected.map(settle));
    if (signal.aborted) throw new Superseded('superseded');
    return results.every(Boolean);
  }

  async #deployResource(
    resource: LoopResource,
    ctx: {
      deliver: (image: string) => Promise<DeliveredImage | undefined>;
      settle: (r: LoopResource) => Promise<boolean>;
      byName: Map<string, LoopResource>;
      reapply: boolean;
      signal: AbortSignal;
    },
  ): Promise<boolean> {
    const { signal } = ctx;
    const images = await Promise.all(resource.images.map(ctx.deliver));
    if (images.some((i) => i === undefined)) return false;
    for (const dep of resource.dependsOn) {
      const inIteration = ctx.byName.get(dep);
      const depState = this.#o.store.getState().resources[dep];
      if (!inIteration && depState?.phase === 'ready') continue;
      this.#dispatch({ type: 'resource-waiting', at: this.#now(), resource: resource.name, why: `waiting for ${dep} to be ready` });
      const depReady = inIteration ? await ctx.settle(inIteration) : false;
      if (!depReady) {
        this.#dispatch({ type: 'resource-waiting', at: this.#now(), resource: resource.name, why: `held: ${dep} is not ready` });
        return false;
      }
    }
    if (signal.aborted) throw new Superseded('superseded');
    const imageMap = new Map(images.filter((i): i is DeliveredImage => Boolean(i)).map((i) => [i.image, i]));
    const mode = ctx.reapply || !this.#applied.has(resource.name) ? 'apply' : 'patch';
    this.#dispatch({ type: 'deploy-started', at: this.#now(), resource: resource.name, mode });
    const deployed =
      mode === 'apply'
        ? await this.#o.deployer.apply([resource.name], imageMap, signal)
        : await this.#o.deployer.patch(resource.name, imageMap, signal);
    if (signal.aborted) throw new Superseded('superseded');
    if (!deployed.ok) return this.#fail(resource.name, deployed.error);
    this.#applied.add(resource.name);
    this.#liveUpdates.current(resource.name, true);
    const tags = Object.fromEntries([...imageMap.values()].map((i) => [i.image, i.tag]));
    this.#dispatch({ type: 'deploy-completed', at: this.#now(), resource: resource.name, tags });
    this.#o.logFollower.follow(resource.name, (line) => this.#o.logs.append(line));
    const rollout = await this.#o.deployer.waitReady(resource.name, {
      signal,
      onProgress: (progress) => this.#dispatch({ type: 'rollout-progress', at: this.#now(), resource: resource.name, progress }),
    });
    if (signal.aborted) throw new Superseded('superseded');
    if (!rollout.ok) return this.#fail(resource.name, rollout.error);
    this.#dispatch({ type: 'resource-ready', at: this.#now(), resource: resource.name, progress: rollout.value, unchanged: false });
    this.#live.watch(resource.name, rollout.value);
    return true;
  }

  #fail(resource: string, problem: Problem): false {
    this.#dispatch({ type: 'resource-failed', at: this.#now(), resource, problem });
    return false;
  }
}
