import { describe, expect, it } from 'vitest';
import type { Action } from './actions.ts';
import { dependencyOrder, reduce } from './reducer.ts';
import { type EngineState, initialState } from './state.ts';

const started: Action = {
  type: 'engine-started',
  at: 0,
  resources: [
    { name: 'web', images: ['web'], dependsOn: ['db'], trigger: 'auto' },
    { name: 'db', images: ['db'], dependsOn: [], trigger: 'manual' },
  ],
  images: ['web', 'db'],
};

const run = (...actions: Action[]): EngineState => actions.reduce(reduce, reduce(initialState(0), started));
const plan = (image: string, rebuild: boolean) => ({
  image,
  rebuild,
  tag: `${image}-1`,
  reference: `${image}:${image}-1`,
  digest: 'd',
  firstInvalidatedStep: undefined,
  changedInputs: [],
  explanation: '',
});
const iteration = (n: number, resources: string[]): Action => ({
  type: 'iteration-started',
  at: 10 * n,
  iteration: n,
  resources,
  changeSeenAt: 10 * n - 5,
});

describe('reduce', () => {
  it('announces resources in dependency order, idle, never applied, nothing asked', () => {
    const s = run();
    expect(s.order).toEqual(['db', 'web']);
    expect(s.resources.web).toMatchObject({ phase: 'idle', applied: false, rerun: undefined, deployedTags: {} });
    expect(s.images.web?.status).toBe('unknown');
  });

  it('walks a resource from queued to ready with a timeline of timed phases', () => {
    const s = run(
      iteration(1, ['db']),
      { type: 'plan-completed', at: 11, startedAt: 10, plans: [plan('db', true), plan('web', false)] },
      { type: 'build-started', at: 12, image: 'db' },
      { type: 'build-output', at: 13, image: 'db', line: '#5 [2/3] COPY . .' },
      { type: 'build-completed', at: 20, image: 'db', ref: 'db:db-1', cached: false, durationMs: 8, builder: 'BuildKit', via: 'engine' },
      { type: 'delivery-started', at: 21, images: ['db'] },
      {
        type: 'delivery-completed',
        at: 25,
        delivered: [{ image: 'db', tag: 'db-1', deployRef: 'reg/db:db-1', imagePullPolicy: 'IfNotPresent', stage: 'registry-push' }],
      },
      { type: 'deploy-started', at: 26, resource: 'db', mode: 'apply' },
      { type: 'deploy-completed', at: 27, resource: 'db', tags: { db: 'db-1' } },
      { type: 'resource-ready', at: 40, resource: 'db', progress: { message: 'ready', podsReady: 1, podsWanted: 1 }, unchanged: false },
    );
    const db = s.resources.db;
    expect(db).toMatchObject({ phase: 'ready', applied: true, deployedTags: { db: 'db-1' }, lastEditToReadyMs: 35 });
    expect(db?.timeline?.phases.map((p) => [p.name, p.startedAt, p.endedAt, p.process])).toEqual([
      ['plan', 10, 11, undefined],
      ['build', 12, 20, 'BuildKit (engine API)'],
      ['deliver', 21, 25, 'docker push'],
      ['apply', 26, 27, 'API server'],
      ['rollout', 27, 40, 'kubelet'],
    ]);
    expect(s.images.db).toMatchObject({ status: 'delivered', deployRef: 'reg/db:db-1', buildMs: 8 });
    expect(s.images.web?.status).toBe('fresh');
    expect(s.resources.web?.phase).toBe('idle');
  });

  it('keeps the build step the build module read, not the output line', () => {
    const s = run(
      iteration(1, ['db']),
      { type: 'plan-completed', at: 11, startedAt: 10, plans: [plan('db', true)] },
      { type: 'build-started', at: 12, image: 'db' },
      {
        type: 'build-output',
        at: 13,
        image: 'db',
        line: '#5 [2/3] COPY . .',
      },
    );
    expect(s.images.db?.step).toBeUndefined();
    const step = reduce(s, { type: 'build-step', at: 14, image: 'db', step: { index: 4, total: undefined, text: 'COPY . .' } });
    expect(step.images.db?.step).toEqual({ index: 4, total: undefined, text: 'COPY . .' });
  });

  it('a failed build fails the resources of its image in the iteration, not the others', () => {
    const s = run(
      iteration(1, ['db', 'web']),
      { type: 'plan-completed', at: 11, startedAt: 10, plans: [plan('db', true), plan('web', true)] },
      {
        type: 'build-failed',
        at: 15,
        image: 'db',
        problem: { stage: 'build', reason: 'build-failed', message: 'RUN make: exit 2' },
      },
    );
    expect(s.resources.db).toMatchObject({ phase: 'failed', problem: { reason: 'build-failed' } });
    expect(s.resources.web?.phase).toBe('queued');
  });

  it('a trigger, or held work whose component answered, asks for a rerun until the next iteration takes it', () => {
    const hold = {
      reason: 'waiting-for-registry',
      component: 'registry',
      cause: 'registry-unreachable',
      resources: ['web'],
      since: 5,
    } as const;
    const asked = run(
      { type: 'trigger-requested', at: 1, resource: 'db' },
      { type: 'work-held', at: 2, hold },
      { type: 'work-resumed', at: 3, hold, because: 'component-answered' },
    );
    expect(asked.resources.db?.rerun).toBe('trigger');
    expect(asked.resources.web?.rerun).toBe('retry');
    expect(asked.hold).toBeUndefined();
    const taken = reduce(asked, iteration(2, ['web']));
    expect(taken.resources.db?.rerun).toBeUndefined();
    expect(taken.resources.web?.rerun).toBeUndefined();
    const newer = run({ type: 'work-held', at: 2, hold }, { type: 'work-resumed', at: 3, hold, because: 'newer-changes' });
    expect(newer.resources.web?.rerun).toBeUndefined();
  });

  it('keeps the running work and its cancellation in the state until the iteration ends', () => {
    const s = run(iteration(1, ['db']), { type: 'work-started', at: 11, iteration: 1, tags: { db: 'db-1' } });
    expect(s.work).toEqual({ iteration: 1, tags: { db: 'db-1' }, cancelling: undefined });
    const cancelling = reduce(s, { type: 'work-cancelling', at: 12, iteration: 1, because: 'newer-changes' });
    expect(cancelling.work?.cancelling).toBe('newer-changes');
    expect(reduce(cancelling, { type: 'iteration-superseded', at: 13, iteration: 1 }).work).toBeUndefined();
    expect(reduce(s, { type: 'work-cancelling', at: 12, iteration: 7, because: 'stopping' }).work?.cancelling).toBeUndefined();
  });

  it('a ready resource whose image was set by hand fails, and the next iteration queues it again', () => {
    const ready = run(
      iteration(1, ['db']),
      { type: 'deploy-started', at: 11, resource: 'db', mode: 'apply' },
      { type: 'deploy-completed', at: 12, resource: 'db', tags: { db: 'x' } },
      {
        type: 'resource-ready',
        at: 13,
        resource: 'db',
        progress: undefined,
        unchanged: false,
      },
    );
    const drifted = reduce(ready, {
      type: 'resource-failed',
      at: 20,
      resource: 'db',
      problem: { stage: 'rollout', reason: 'image-changed-outside-devloop', message: 'set by hand' },
    });
    expect(drifted.resources.db).toMatchObject({ phase: 'failed', problem: { reason: 'image-changed-outside-devloop' } });
    expect(reduce(drifted, iteration(2, ['db'])).resources.db).toMatchObject({ phase: 'queued', problem: undefined });
  });

  it('an illegal transition is a bug and throws', () => {
    expect(() => run({ type: 'deploy-started', at: 1, resource: 'db', mode: 'apply' })).toThrow(
      'illegal phase transition for db: idle → deploying',
    );
  });
});

describe('dependencyOrder', () => {
  it('puts dependencies first and keeps config order otherwise', () => {
    expect(
      dependencyOrder([
        { name: 'a', dependsOn: ['c'] },
        { name: 'b', dependsOn: [] },
        { name: 'c', dependsOn: ['missing'] },
      ]),
    ).toEqual(['c', 'a', 'b']);
  });
});
