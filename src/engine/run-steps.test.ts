import { describe, expect, it } from 'vitest';
import { runSteps, type StepResult } from './run-steps.ts';
import type { IterationWork, Step } from './scheduler.ts';

const work: IterationWork = {
  resources: [
    { name: 'db', images: ['db'], dependsOn: [], trigger: 'auto' },
    { name: 'api', images: ['api'], dependsOn: ['db'], trigger: 'auto' },
  ],
  syncs: new Set(),
  imageDependencies: { db: [], api: [] },
  rebuilds: new Set(['db', 'api']),
  buildConcurrency: 2,
};
const label = (s: Step) => `${s.kind} ${'image' in s ? s.image : 'local' in s ? s.local : s.resource}`;

describe('runSteps', () => {
  it('runs every step in the scheduler’s order and reports who waited and who ended', async () => {
    const ran: string[] = [];
    const heard: string[] = [];
    const result = await runSteps({
      work,
      abort: new AbortController(),
      readyOutside: () => false,
      runners: {
        run: async (step) => {
          ran.push(label(step));
          return label(step) === 'deploy db' ? 'failed' : 'done';
        },
        waiting: (r, why) => heard.push(`${r} waits ${why.kind}`),
        ended: (r, why) => heard.push(`${r} ends ${why.kind}`),
      },
    });
    expect(ran).toEqual(['build api', 'build db', 'deliver db', 'deliver api', 'deploy db']);
    expect(heard).toEqual(['db waits images', 'api waits images', 'api waits resource', 'api ends dependency-not-ready']);
    expect(result).toEqual({ ready: new Set(), cancelled: false });
  });

  it('starts what waited on a delivery as soon as it announces, while the delivery still runs', async () => {
    let land = () => {};
    const ran: string[] = [];
    await runSteps({
      work: { ...work, resources: [{ name: 'db', images: ['db'], dependsOn: [], trigger: 'auto' }], deployWhilePushing: new Set(['db']) },
      abort: new AbortController(),
      readyOutside: () => false,
      runners: {
        run: async (step, announce) => {
          ran.push(`${label(step)} started`);
          if (step.kind === 'deliver') {
            announce();
            await new Promise<void>((resolve) => {
              land = resolve;
            });
          }
          if (step.kind === 'deploy') land();
          ran.push(`${label(step)} ended`);
          return 'done';
        },
        waiting: () => undefined,
        ended: () => undefined,
      },
    });
    expect(ran).toEqual([
      'build db started',
      'build db ended',
      'deliver db started',
      'deploy db started',
      'deploy db ended',
      'deliver db ended',
    ]);
  });

  it('cancelled, it starts nothing more and waits for the running steps to stop', async () => {
    const abort = new AbortController();
    let stopped = false;
    const result = await runSteps({
      work,
      abort,
      readyOutside: () => false,
      runners: {
        run: (step) =>
          new Promise<StepResult>((resolve) => {
            if (step.kind !== 'build') throw new Error(`started ${label(step)} after the cancel`);
            if (abort.signal.aborted) return resolve('cancelled');
            abort.signal.addEventListener('abort', () => {
              stopped = true;
              resolve('cancelled');
            });
            abort.abort('newer changes');
          }),
        waiting: () => undefined,
        ended: () => undefined,
      },
    });
    expect(stopped).toBe(true);
    expect(result.cancelled).toBe(true);
  });

  it('a step that throws cancels the others and surfaces', async () => {
    const abort = new AbortController();
    const run = runSteps({
      work,
      abort,
      readyOutside: () => false,
      runners: {
        run: async (step) => {
          if (label(step) === 'build db') throw new Error('bug');
          return new Promise<StepResult>(() => undefined);
        },
        waiting: () => undefined,
        ended: () => undefined,
      },
    });
    await expect(run).rejects.toThrow('bug');
    expect(abort.signal.aborted).toBe(true);
  });
});
