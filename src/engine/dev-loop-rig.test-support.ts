import type { SeenFileChange } from '../core/file-change.ts';
import type { Problem } from '../core/problem.ts';
import { err, ok } from '../core/result.ts';
import { manualTimers } from '../watch/manual-timers.ts';
import { DevLoop } from './dev-loop.ts';
import { LogStore } from './log-store.ts';
import type { LoopLocal, LoopResource } from './loop-model.ts';
import type {
  BuiltImage,
  Component,
  DeliveredImage,
  ImagePlan,
  LiveChange,
  LiveUpdater,
  LocalRunner,
  RolloutProgress,
  SyncPlanner,
} from './ports.ts';
import { Store } from './store.ts';

/**
 * A project whose image tags are whatever `tags` says at plan time, with
 * fakes for every port: failures are set per image or resource, components
 * answer probes as `answering` says, and time for probes moves by `timers`.
 */
export function rig(options: {
  resources: LoopResource[];
  tags: Record<string, string>;
  deps?: Record<string, string[]>;
  /** Live update's fakes, when the test is about it. */
  syncPlanner?: SyncPlanner;
  liveUpdater?: LiveUpdater;
  /** Local commands and their runner, when the test is about them. */
  locals?: LoopLocal[];
  localRunner?: LocalRunner;
  /** Pushes announce their reference and the deployer allows patching during them (a Deployment keeping its old pods). */
  whilePushing?: boolean;
}) {
  const tags = { ...options.tags };
  const built: string[] = [];
  const deployed: { resource: string; mode: 'apply' | 'patch'; refs: string[] }[] = [];
  const buildFailures = new Map<string, Problem>();
  const rolloutFailures = new Map<string, Problem>();
  const deliveryFailures = new Map<string, Problem>();
  const deployFailures = new Map<string, Problem>();
  const answering = new Set<Component>();
  const probes: Component[] = [];
  const faults: unknown[] = [];
  const clock = manualTimers();
  /** Exceptions (bugs, not failed steps) the planner or a build throws. */
  const exceptions: { plan?: Error; build: Map<string, Error> } = { build: new Map() };
  const buildSignals = new Map<string, AbortSignal>();
  let buildGate: Promise<void> = Promise.resolve();
  let pushGate: Promise<void> = Promise.resolve();
  /** The references each waitReady was told were still travelling. */
  const arrivals: string[][] = [];
  let planCalls = 0;
  /** Plans asked to look at every file again (after local commands ran). */
  let rescans = 0;
  const live = new Map<string, (change: LiveChange) => void>();
  const store = new Store(0);
  const actions: string[] = [];
  store.subscribe((a) => actions.push(a.type));
  const logs = new LogStore();
  const loop = new DevLoop({
    store,
    logs,
    model: {
      resources: options.resources,
      imageDependencies: options.deps ?? Object.fromEntries(Object.keys(tags).map((t) => [t, []])),
      buildConcurrency: 2,
      isManifest: (p) => p.endsWith('.yaml'),
      ...(options.locals ? { locals: options.locals } : {}),
    },
    planner: {
      plan: async (_changes, planOptions) => {
        planCalls++;
        if (planOptions?.rescan) rescans++;
        if (exceptions.plan) throw exceptions.plan;
        return ok(
          Object.entries(tags).map(
            ([image, tag]): ImagePlan => ({
              image,
              tag,
              reference: `${image}:${tag}`,
              digest: tag,
              rebuild: !built.includes(`${image}:${tag}`),
              firstInvalidatedStep: undefined,
              changedInputs: [],
              explanation: '',
            }),
          ),
        );
      },
    },
    builder: {
      build: async (plan, { signal, onLine }) => {
        buildSignals.set(plan.image, signal);
        onLine(`#5 [2/2] COPY . /${plan.image}`);
        onLine('');
        const exception = exceptions.build.get(plan.image);
        if (exception) throw exception;
        await buildGate;
        if (signal.aborted) return err({ stage: 'build', reason: 'build-cancelled', message: 'cancelled' });
        const failure = buildFailures.get(plan.image);
        if (failure) return err(failure);
        built.push(`${plan.image}:${plan.tag}`);
        return ok<BuiltImage>({ image: plan.image, ref: `${plan.image}:${plan.tag}`, tag: plan.tag, cached: false });
      },
    },
    deliverer: {
      preflight: async () => ok(undefined),
      deliver: async (images) => {
        await pushGate;
        const failure = images.map((i) => deliveryFailures.get(i.image)).find(Boolean);
        if (failure) return err(failure);
        return ok(
          images.map(
            (i): DeliveredImage => ({
              image: i.image,
              tag: i.tag,
              deployRef: `reg:5000/${i.ref}`,
              imagePullPolicy: 'IfNotPresent',
              stage: 'registry-push',
              durationMs: 100,
            }),
          ),
        );
      },
      ...(options.whilePushing
        ? { announce: (i: BuiltImage) => ({ deployRef: `reg:5000/${i.ref}`, imagePullPolicy: 'IfNotPresent' }) }
        : {}),
    },
    deployer: {
      apply: async (resources, images) => {
        const failure = resources.map((r) => deployFailures.get(r)).find(Boolean);
        if (failure) return err(failure);
        for (const r of resources) deployed.push({ resource: r, mode: 'apply', refs: [...images.values()].map((i) => i.deployRef) });
        return ok(undefined);
      },
      patch: async (resource, images) => {
        const failure = deployFailures.get(resource);
        if (failure) return err(failure);
        deployed.push({ resource, mode: 'patch', refs: [...images.values()].map((i) => i.deployRef) });
        return ok(undefined);
      },
      waitReady: async (resource, { signal, arriving }) => {
        if (arriving) {
          arrivals.push([...arriving.keys()]);
          // The new pods cannot run before their images are in the registry.
          const landed = await Promise.race([
            Promise.all(arriving.values()).then((all) => all.every(Boolean)),
            new Promise<false>((resolve) => signal.addEventListener('abort', () => resolve(false), { once: true })),
          ]);
          if (!landed) return err({ stage: 'rollout', reason: 'rollout-cancelled', message: 'cancelled' });
        }
        const failure = rolloutFailures.get(resource);
        return failure ? err(failure) : ok<RolloutProgress>({ message: 'ready', podsReady: 1, podsWanted: 1 });
      },
      ...(options.whilePushing ? { patchableWhilePushing: () => true } : {}),
      watchLive: (resource, onChange) => {
        live.set(resource, onChange);
        return { stop: () => live.delete(resource) };
      },
    },
    logFollower: { follow: () => undefined, stopAll: () => undefined },
    now: () => 1000 + clock.timers.now(),
    probe: {
      answers: async (component) => {
        probes.push(component);
        return answering.has(component);
      },
    },
    timers: clock.timers,
    onFault: (error) => faults.push(error),
    ...(options.syncPlanner ? { syncPlanner: options.syncPlanner } : {}),
    ...(options.liveUpdater ? { liveUpdater: options.liveUpdater } : {}),
    ...(options.localRunner ? { localRunner: options.localRunner } : {}),
  });
  const change = (path: string): SeenFileChange[] => [{ path, kind: 'change', at: 900 }];
  return {
    logs,
    loop,
    store,
    tags,
    built,
    deployed,
    actions,
    buildFailures,
    rolloutFailures,
    deliveryFailures,
    deployFailures,
    answering,
    probes,
    faults,
    clock,
    exceptions,
    buildSignals,
    change,
    live,
    gate(promise: Promise<void>) {
      buildGate = promise;
    },
    /** Holds every push until `promise` settles. */
    gatePushes(promise: Promise<void>) {
      pushGate = promise;
    },
    arrivals,
    /** How many times the loop asked for a plan. */
    get plans() {
      return planCalls;
    },
    get rescans() {
      return rescans;
    },
  };
}
