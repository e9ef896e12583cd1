import { unreachable } from '../core/unreachable.ts';
import type { Action } from './actions.ts';
import { announcedLocals, reduceLocal, rerunLocal } from './local-reducer.ts';
import { type Phase, transition } from './phase.ts';
import type { DeliveredImage } from './ports.ts';
import type { EngineState, ImageState, PhaseTiming, ResourceState, Timeline } from './state.ts';

/** The one place state changes. Pure: no I/O, no clock (times come in actions). */
export function reduce(state: EngineState, action: Action): EngineState {
  switch (action.type) {
    case 'engine-started': {
      const resources: Record<string, ResourceState> = {};
      for (const r of action.resources) {
        resources[r.name] = {
          name: r.name,
          phase: 'idle',
          trigger: r.trigger,
          images: r.images,
          dependsOn: r.dependsOn,
          waiting: undefined,
          problem: undefined,
          rollout: undefined,
          deployedTags: state.resources[r.name]?.deployedTags ?? {},
          pendingManual: false,
          applied: false,
          rerun: undefined,
          timeline: undefined,
          lastEditToReadyMs: state.resources[r.name]?.lastEditToReadyMs,
        };
      }
      const images: Record<string, ImageState> = {};
      for (const name of action.images) {
        images[name] = state.images[name] ?? {
          name,
          plan: undefined,
          status: 'unknown',
          step: undefined,
          deployRef: undefined,
          delivered: undefined,
          buildMs: undefined,
        };
      }
      return { ...state, resources, images, locals: announcedLocals(action.locals), order: dependencyOrder(action.resources) };
    }
    case 'watch-ready':
    case 'watch-resumed':
      return { ...state, watch: 'watching' };
    case 'watch-paused':
      return { ...state, watch: 'paused' };
    case 'watch-failed':
      return { ...state, watchError: action.message };
    case 'changes-detected':
      return { ...state, lastChanges: action.paths };
    case 'iteration-started': {
      // The iteration has taken every request to run again (see `chooseResources`).
      let next: EngineState = { ...state, iteration: action.iteration };
      for (const name of Object.keys(state.resources))
        if (state.resources[name]?.rerun) next = updateResource(next, name, (r) => ({ ...r, rerun: undefined }));
      for (const name of action.resources) {
        next = updateResource(next, name, (r) => ({
          ...r,
          phase: transition(name, r.phase, 'queued'),
          waiting: undefined,
          problem: undefined,
          pendingManual: false,
          timeline: { iteration: action.iteration, changeSeenAt: action.changeSeenAt, phases: [], readyAt: undefined },
        }));
      }
      return next;
    }
    case 'plan-completed': {
      const images = { ...state.images };
      for (const plan of action.plans) {
        const image = images[plan.image];
        if (image) images[plan.image] = { ...image, plan, status: plan.rebuild ? 'queued' : 'fresh', step: undefined };
      }
      let next: EngineState = { ...state, images };
      for (const r of queuedResources(next)) {
        next = updateResource(next, r.name, (res) => addPhase(res, { name: 'plan', startedAt: action.startedAt, endedAt: action.at }));
      }
      return next;
    }
    case 'plan-failed': {
      let next = state;
      for (const r of queuedResources(state)) next = updateResource(next, r.name, (res) => fail(res, action.problem));
      return next;
    }
    case 'build-started':
      return forImage(updateImage(state, action.image, { status: 'building', step: undefined }), action.image, (r) =>
        startPhase(advance(r, 'building'), 'build', action.at),
      );
    case 'build-output':
      return state;
    case 'build-step':
      return updateImage(state, action.image, { step: action.step });
    case 'build-completed':
      return forImage(
        updateImage(state, action.image, { status: 'built', buildMs: action.durationMs, step: undefined }),
        action.image,
        (r) => endPhase(r, 'build', action.at, buildProcess(action)),
      );
    case 'build-failed':
      return forImage(updateImage(state, action.image, { status: 'failed' }), action.image, (r) =>
        fail(endPhase(r, 'build', action.at), action.problem),
      );
    case 'build-cancelled':
      return updateImage(state, action.image, { status: 'queued', step: undefined });
    case 'delivery-started': {
      let next = state;
      for (const image of action.images) {
        next = forImage(updateImage(next, image, { status: 'delivering' }), image, (r) =>
          r.phase === 'delivering' ? r : startPhase(advance(r, 'delivering'), 'deliver', action.at),
        );
      }
      return next;
    }
    case 'delivery-completed': {
      let next = state;
      for (const d of action.delivered) {
        next = forImage(updateImage(next, d.image, { status: 'delivered', deployRef: d.deployRef, delivered: d }), d.image, (r) =>
          endPhase(r, 'deliver', action.at, deliveryProcess[d.stage]),
        );
      }
      return next;
    }
    case 'delivery-failed': {
      let next = state;
      for (const image of action.images) {
        next = forImage(updateImage(next, image, { status: 'failed' }), image, (r) =>
          fail(endPhase(r, 'deliver', action.at), action.problem),
        );
      }
      return next;
    }
    case 'deploy-started':
      return updateResource(state, action.resource, (r) =>
        startPhase(advance({ ...r, waiting: undefined }, 'deploying'), action.mode, action.at),
      );
    case 'deploy-completed':
      return updateResource(state, action.resource, (r) =>
        startPhase(
          advance(
            endPhase(
              endPhase(
                { ...r, applied: true, deployedTags: { ...r.deployedTags, ...action.tags }, syncedTags: {} },
                'apply',
                action.at,
                'API server',
              ),
              'patch',
              action.at,
              'API server',
            ),
            'rolling-out',
          ),
          'rollout',
          action.at,
        ),
      );
    case 'rollout-progress':
      return updateResource(state, action.resource, (r) => ({ ...r, rollout: action.progress }));
    case 'resource-waiting':
      return updateResource(state, action.resource, (r) => ({
        ...r,
        waiting: action.waiting,
        pendingManual: r.trigger === 'manual' && r.phase !== 'queued',
      }));
    case 'resource-ready':
      return updateResource(state, action.resource, (r) => {
        const ended = endPhase(r, 'rollout', action.at, 'kubelet');
        const timeline = ended.timeline && { ...ended.timeline, readyAt: action.at };
        return {
          ...ended,
          phase: r.phase === 'ready' ? 'ready' : transition(r.name, r.phase, 'ready'),
          waiting: undefined,
          problem: undefined,
          rollout: action.progress ?? r.rollout,
          timeline,
          lastEditToReadyMs: action.unchanged || !timeline ? r.lastEditToReadyMs : action.at - timeline.changeSeenAt,
        };
      });
    case 'resource-failed':
      return updateResource(state, action.resource, (r) => fail(endPhase(r, 'rollout', action.at), action.problem));
    case 'work-held': {
      const { hold } = action;
      let next: EngineState = { ...state, hold };
      const waiting = { kind: 'component', reason: hold.reason, component: hold.component } as const;
      for (const name of hold.resources) next = updateResource(next, name, (r) => ({ ...r, waiting }));
      return next;
    }
    case 'work-resumed': {
      let next: EngineState = { ...state, hold: undefined };
      const rerun = action.because === 'component-answered';
      for (const name of action.hold.resources)
        next = updateResource(next, name, (r) => ({ ...r, waiting: undefined, ...(rerun ? { rerun: r.rerun ?? 'retry' } : {}) }));
      return next;
    }
    case 'sync-started':
      return updateResource(state, action.resource, (r) => startPhase(advance({ ...r, waiting: undefined }, 'syncing'), 'sync', action.at));
    case 'sync-completed':
      return updateResource(state, action.resource, (r) => {
        const ended = endPhase(r, 'sync', action.at, 'tar over the exec API');
        const timeline = ended.timeline && { ...ended.timeline, readyAt: action.at };
        const note = {
          kind: 'synced',
          files: action.files.length,
          pods: action.pods.length,
          bytes: action.bytes,
          durationMs: action.durationMs,
          resync: action.resync,
        } as const;
        return {
          ...ended,
          phase: r.phase === 'ready' ? 'ready' : transition(r.name, r.phase, 'ready'),
          problem: undefined,
          syncedTags: { ...r.syncedTags, ...action.tags },
          sync: note,
          timeline: action.resync ? r.timeline : timeline,
          lastEditToReadyMs: action.resync || !timeline ? r.lastEditToReadyMs : action.at - timeline.changeSeenAt,
        };
      });
    case 'sync-failed':
      return updateResource(state, action.resource, (r) => ({
        ...endPhase(r, 'sync', action.at),
        sync: { kind: 'failed', message: action.problem.message, fix: action.problem.fix, lasting: action.lasting },
      }));
    case 'sync-skipped':
      return updateResource(state, action.resource, (r) => ({ ...r, sync: { kind: 'skipped', why: action.why } }));
    case 'work-started':
      return { ...state, work: { iteration: action.iteration, tags: action.tags, cancelling: undefined } };
    case 'work-cancelling':
      return state.work?.iteration === action.iteration ? { ...state, work: { ...state.work, cancelling: action.because } } : state;
    case 'iteration-completed':
    case 'iteration-superseded':
      return state.work?.iteration === action.iteration ? { ...state, work: undefined } : state;
    case 'trigger-requested':
      return rerunLocal(
        updateResource(state, action.resource, (r) => ({ ...r, rerun: 'trigger' })),
        action.resource,
      );
    case 'local-queued':
    case 'local-waiting':
    case 'local-started':
    case 'local-serving':
    case 'local-completed':
    case 'local-failed':
    case 'local-cancelled':
      return reduceLocal(state, action);
    case 'config-reloaded':
      return { ...state, configProblems: [], watchError: undefined };
    case 'config-invalid':
      return { ...state, configProblems: action.diagnostics };
    case 'engine-stopping':
      return { ...state, stopping: true };
    default:
      return unreachable(action);
  }
}

function updateResource(state: EngineState, name: string, fn: (r: ResourceState) => ResourceState): EngineState {
  const resource = state.resources[name];
  if (!resource) return state;
  return { ...state, resources: { ...state.resources, [name]: fn(resource) } };
}

function updateImage(state: EngineState, name: string, patch: Partial<ImageState>): EngineState {
  const image = state.images[name];
  if (!image) return state;
  return { ...state, images: { ...state.images, [name]: { ...image, ...patch } } };
}

/** Applies `fn` to the resources of the current iteration that run `image`. */
function forImage(state: EngineState, image: string, fn: (r: ResourceState) => ResourceState): EngineState {
  let next = state;
  for (const r of Object.values(state.resources)) {
    if (r.images.includes(image) && r.timeline?.iteration === state.iteration && r.phase !== 'failed' && r.phase !== 'ready') {
      next = updateResource(next, r.name, fn);
    }
  }
  return next;
}

function queuedResources(state: EngineState): ResourceState[] {
  return Object.values(state.resources).filter((r) => r.phase === 'queued' && r.timeline?.iteration === state.iteration);
}

function advance(r: ResourceState, to: Phase): ResourceState {
  return r.phase === to ? r : { ...r, phase: transition(r.name, r.phase, to) };
}

function fail(r: ResourceState, problem: ResourceState['problem']): ResourceState {
  if (r.phase === 'failed' || r.phase === 'idle') return { ...r, problem };
  return { ...r, phase: transition(r.name, r.phase, 'failed'), problem, waiting: undefined };
}

function addPhase(r: ResourceState, phase: PhaseTiming): ResourceState {
  if (!r.timeline) return r;
  return { ...r, timeline: { ...r.timeline, phases: [...r.timeline.phases, phase] } };
}

function startPhase(r: ResourceState, name: PhaseTiming['name'], at: number): ResourceState {
  if (!r.timeline || r.timeline.phases.some((p) => p.name === name)) return r;
  return addPhase(r, { name, startedAt: at, endedAt: undefined });
}

function endPhase(r: ResourceState, name: PhaseTiming['name'], at: number, process?: string): ResourceState {
  const timeline: Timeline | undefined = r.timeline;
  if (!timeline?.phases.some((p) => p.name === name && p.endedAt === undefined)) return r;
  const end = (p: PhaseTiming): PhaseTiming => ({ ...p, endedAt: at, ...(process ? { process } : {}) });
  return {
    ...r,
    timeline: { ...timeline, phases: timeline.phases.map((p) => (p.name === name && p.endedAt === undefined ? end(p) : p)) },
  };
}

/** What moved an image, by delivery stage. */
const deliveryProcess: Readonly<Record<DeliveredImage['stage'], string>> = {
  'registry-push': 'docker push',
  'cluster-import': 'k3d image import',
  skipped: 'nothing to move',
};

/** Resource names with every dependency before its dependents (config order otherwise). */
export function dependencyOrder(resources: readonly { name: string; dependsOn: readonly string[] }[]): string[] {
  const byName = new Map(resources.map((r) => [r.name, r]));
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const dep of byName.get(name)?.dependsOn ?? []) if (byName.has(dep)) visit(dep);
    out.push(name);
  };
  for (const r of resources) visit(r.name);
  return out;
}

/** What ran a build, for the timeline: `docker build`, BuildKit by the engine's endpoint, or the buildx plugin. */
function buildProcess(action: Extract<Action, { type: 'build-completed' }>): string | undefined {
  if (action.builder === 'classic') return 'docker build';
  if (!action.builder) return undefined;
  return action.via === 'engine' ? 'BuildKit (engine API)' : action.via === 'buildx' ? 'BuildKit (buildx)' : 'BuildKit';
}
