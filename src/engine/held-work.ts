import { realTimers, type Timers } from '../watch/batcher.ts';
import { componentDown, type Hold, holdReason } from './hold.ts';
import type { Component, ComponentProbe } from './ports.ts';
import type { EngineState } from './state.ts';
import type { Store } from './store.ts';

/**
 * The hold an iteration that ended badly calls for: the first of its
 * resources that failed because a component is down names the component, and
 * every resource of the iteration that is not ready is held with it (its
 * dependents included). Undefined when no failure was a component's absence.
 */
export function holdAfter(state: EngineState, resources: readonly string[], at: number): Hold | undefined {
  let component: Component | undefined;
  let cause = '';
  for (const name of resources) {
    const r = state.resources[name];
    const down = r?.phase === 'failed' ? componentDown(r.problem) : undefined;
    if (down && r?.problem) {
      component = down;
      cause = r.problem.reason;
      break;
    }
  }
  if (!component) return undefined;
  const held = resources.filter((name) => state.resources[name]?.phase !== 'ready');
  return { reason: holdReason(component), component, cause, resources: held, since: at };
}

/** The probe's backoff: the first wait and the longest one. */
export interface Backoff {
  readonly firstMs: number;
  readonly maxMs: number;
}

/** Cheap probes, so the wait after the component answers stays short. */
export const probeBackoff: Backoff = { firstMs: 250, maxMs: 500 };

/** The longest first wait of a hold whose component answered last time while the step itself still failed. */
const retryCeilingMs = 4000;

/**
 * Probes `component` with doubling waits until it answers (true) or `signal`
 * aborts (false). A probe that throws counts as no answer.
 */
export async function untilAnswers(options: {
  readonly component: Component;
  readonly probe: ComponentProbe;
  readonly timers: Timers;
  readonly signal: AbortSignal;
  readonly backoff?: Backoff;
}): Promise<boolean> {
  const { signal, timers } = options;
  const backoff = options.backoff ?? probeBackoff;
  let delay = backoff.firstMs;
  while (!signal.aborted) {
    await sleep(timers, delay, signal);
    if (signal.aborted) return false;
    const answered = await options.probe.answers(options.component, signal).catch(() => false);
    if (signal.aborted) return false;
    if (answered) return true;
    delay = Math.min(delay * 2, backoff.maxMs);
  }
  return false;
}

/** Resolves after `ms`, or at once when `signal` aborts (the timer is cleared). */
function sleep(timers: Timers, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      timers.clearTimeout(handle);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const handle = timers.setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** What `HeldWork` needs: without a probe nothing is ever held. */
export interface HeldWorkOptions {
  readonly store: Store;
  readonly now: () => number;
  readonly probe: ComponentProbe | undefined;
  readonly timers: Timers | undefined;
  readonly onFault: ((error: unknown) => void) | undefined;
}

/**
 * The loop's one hold at a time: started after an iteration a component's
 * absence failed, it probes that component and hands the held resources back
 * to the loop when it answers; newer changes or stopping end it first.
 */
export class HeldWork {
  readonly #o: HeldWorkOptions;
  #holding: { readonly hold: Hold; readonly abort: AbortController } | undefined;
  /**
   * After a resume, where the next hold for the same component starts its
   * backoff: a component that answers the probe while the step itself still
   * fails is retried ever more slowly, not every 250 ms.
   */
  #afterResume: { readonly component: Hold['component']; readonly firstMs: number } | undefined;

  constructor(options: HeldWorkOptions) {
    this.#o = options;
  }

  /**
   * After an iteration over `resources`: holds them if a component being down
   * failed it; `resume` runs the held ones again when it answers.
   */
  afterIteration(resources: readonly string[], resume: (held: readonly string[]) => Promise<void>): void {
    const { probe, store } = this.#o;
    const hold = probe ? holdAfter(store.getState(), resources, this.#o.now()) : undefined;
    const afterResume = this.#afterResume;
    this.#afterResume = undefined;
    if (!probe || !hold) return;
    this.end('newer-changes');
    const firstMs = afterResume?.component === hold.component ? afterResume.firstMs : probeBackoff.firstMs;
    const abort = new AbortController();
    this.#holding = { hold, abort };
    store.dispatch({ type: 'work-held', at: this.#o.now(), hold });
    const backoff = { firstMs, maxMs: Math.max(firstMs, probeBackoff.maxMs) };
    void untilAnswers({ component: hold.component, probe, timers: this.#o.timers ?? realTimers, signal: abort.signal, backoff })
      .then((answered) => {
        if (!answered || this.#holding?.abort !== abort) return;
        this.#holding = undefined;
        this.#afterResume = { component: hold.component, firstMs: Math.min(firstMs * 2, retryCeilingMs) };
        store.dispatch({ type: 'work-resumed', at: this.#o.now(), hold, because: 'component-answered' });
        return resume(hold.resources);
      })
      .catch((error: unknown) => this.#o.onFault?.(error));
  }

  /** Ends the hold, if any: said in the UI when newer changes take over, silently when stopping. */
  end(because: 'newer-changes' | undefined): void {
    const holding = this.#holding;
    if (!holding) return;
    this.#holding = undefined;
    holding.abort.abort();
    if (because) this.#o.store.dispatch({ type: 'work-resumed', at: this.#o.now(), hold: holding.hold, because });
  }
}
