import {
  type EndReason,
  type IterationWork,
  nextSteps,
  type Step,
  type StepKey,
  type StepStatus,
  stepKey,
  type WaitReason,
} from './scheduler.ts';

/** How a step ended; `cancelled` when the iteration was cancelled under it. */
export type StepResult = 'done' | 'failed' | 'cancelled';

/** What runs each kind of step, and hears why resources wait or end. */
export interface StepRunners {
  /** `announce`: a running delivery says where its image will be pulled from (see `Progress`); others may start on it. */
  run(step: Step, announce: () => void): Promise<StepResult>;
  waiting(resource: string, reason: WaitReason): void;
  ended(resource: string, reason: EndReason): void;
}

/**
 * Runs an iteration's steps in the order the scheduler gives, as many at
 * once as it allows, until nothing is left to start. Cancelling (`abort`)
 * starts nothing more and waits for the running steps to stop. A step that
 * throws is a bug: the iteration is cancelled and, once its steps stopped,
 * the error is thrown. Resolves with the resources that became ready and the
 * local commands that succeeded (or started, for a `serve` one).
 */
export async function runSteps(options: {
  readonly work: IterationWork;
  readonly runners: StepRunners;
  readonly readyOutside: (resource: string) => boolean;
  readonly abort: AbortController;
}): Promise<{ readonly ready: ReadonlySet<string>; readonly cancelled: boolean }> {
  const { work, runners, abort } = options;
  const progress = new Map<StepKey, StepStatus>();
  const running = new Set<Promise<void>>();
  // Wakes the loop when a running step announces, so what waited on it starts (also when it announced before the loop waits).
  let wake = () => {};
  let announced = false;
  const told = new Map<string, string>();
  let fault: { error: unknown } | undefined;
  for (;;) {
    if (!abort.signal.aborted) {
      const schedule = nextSteps(work, progress, options.readyOutside);
      for (const key of schedule.skip) progress.set(key, 'skipped');
      for (const [resource, reason] of schedule.waiting) tellOnce(resource, reason, () => runners.waiting(resource, reason));
      for (const [resource, reason] of schedule.ended) tellOnce(resource, reason, () => runners.ended(resource, reason));
      for (const step of schedule.start) {
        const key = stepKey(step);
        progress.set(key, 'running');
        const announce = () => {
          if (progress.get(key) !== 'running') return;
          progress.set(key, 'announced');
          announced = true;
          wake();
        };
        const done: Promise<void> = runners
          .run(step, announce)
          .then(
            (result) => {
              progress.set(key, result === 'done' ? 'done' : 'failed');
            },
            (error: unknown) => {
              progress.set(key, 'failed');
              fault ??= { error };
              abort.abort(error);
            },
          )
          .finally(() => running.delete(done));
        running.add(done);
      }
    }
    if (fault) throw fault.error;
    if (running.size === 0) break;
    if (!announced) await Promise.race([...running, new Promise<void>((resolve) => (wake = resolve))]);
    announced = false;
  }
  const ready = new Set([
    ...work.resources
      .map((r) => r.name)
      .filter((name) => progress.get(`deploy:${name}`) === 'done' || progress.get(`sync:${name}`) === 'done'),
    ...(work.locals ?? []).map((l) => l.name).filter((name) => progress.get(`local:${name}`) === 'done'),
  ]);
  return { ready, cancelled: abort.signal.aborted };

  function tellOnce(resource: string, reason: WaitReason | EndReason, tell: () => void): void {
    const said = JSON.stringify(reason);
    if (told.get(resource) === said) return;
    told.set(resource, said);
    tell();
  }
}
