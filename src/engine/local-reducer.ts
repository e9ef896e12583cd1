import { unreachable } from '../core/unreachable.ts';
import type { Action, LocalAnnounced } from './actions.ts';
import type { EngineState, LocalState } from './state.ts';

/** The actions of local commands. */
export type LocalAction = Extract<Action, { type: `local-${string}` }>;

/** The local commands as the session starts: none has run. */
export function announcedLocals(locals: readonly LocalAnnounced[] | undefined): Record<string, LocalState> {
  const out: Record<string, LocalState> = {};
  for (const l of locals ?? []) {
    out[l.name] = {
      name: l.name,
      command: l.command,
      serve: l.serve,
      trigger: l.trigger,
      dependsOn: l.dependsOn,
      status: 'pending',
      waiting: undefined,
      run: undefined,
      problem: undefined,
      rerun: undefined,
      pendingManual: false,
    };
  }
  return out;
}

/** The reducer's part for local commands; pure like it. */
export function reduceLocal(state: EngineState, action: LocalAction): EngineState {
  switch (action.type) {
    case 'local-queued':
      return updateLocal(state, action.local, (l) => ({
        ...l,
        status: 'pending',
        waiting: undefined,
        rerun: undefined,
        pendingManual: false,
      }));
    case 'local-waiting':
      return updateLocal(state, action.local, (l) => ({
        ...l,
        waiting: action.waiting,
        pendingManual: l.trigger === 'manual' && action.waiting.kind === 'trigger',
      }));
    case 'local-started':
      return updateLocal(state, action.local, (l) => ({
        ...l,
        status: 'running',
        waiting: undefined,
        problem: undefined,
        run: { startedAt: action.at, endedAt: undefined, exitCode: undefined },
      }));
    case 'local-serving':
      return updateLocal(state, action.local, (l) => ({ ...l, status: 'serving' }));
    case 'local-completed':
      return updateLocal(state, action.local, (l) => ({ ...l, status: 'succeeded', run: ended(l, action.at, 0) }));
    case 'local-failed':
      return updateLocal(state, action.local, (l) => ({
        ...l,
        status: 'failed',
        waiting: undefined,
        problem: action.problem,
        run: ended(l, action.at, action.exitCode),
      }));
    case 'local-cancelled':
      return updateLocal(state, action.local, (l) => ({ ...l, status: 'pending', run: ended(l, action.at, undefined) }));
    default:
      return unreachable(action);
  }
}

/** Ready like a resource: it succeeded, or (a `serve` one) it started and runs. */
export function localReady(local: LocalState): boolean {
  return local.status === 'succeeded' || local.status === 'serving';
}

/** Asks for a local command to run again (the trigger key); a name that is no local command changes nothing. */
export function rerunLocal(state: EngineState, name: string): EngineState {
  return updateLocal(state, name, (l) => ({ ...l, rerun: 'trigger' }));
}

function updateLocal(state: EngineState, name: string, fn: (l: LocalState) => LocalState): EngineState {
  const local = state.locals[name];
  if (!local) return state;
  return { ...state, locals: { ...state.locals, [name]: fn(local) } };
}

function ended(l: LocalState, at: number, exitCode: number | undefined): LocalState['run'] {
  return { startedAt: l.run?.startedAt ?? at, endedAt: at, exitCode };
}
