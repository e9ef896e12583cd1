import { describe, expect, it, vi } from 'vitest';
import { rig } from './dev-loop-rig.test-support.ts';
import type { LoopResource } from './loop-model.ts';

const api: LoopResource = { name: 'api', images: ['api'], dependsOn: [], trigger: 'auto' };
const web: LoopResource = { name: 'web', images: ['web'], dependsOn: ['api'], trigger: 'auto' };

describe('DevLoop', () => {
  it('first pass builds, delivers, applies and waits until ready, with a timeline', async () => {
    const r = rig({ resources: [api], tags: { api: 't1' } });
    await r.loop.start();
    expect(r.built).toEqual(['api:t1']);
    expect(r.deployed).toEqual([{ resource: 'api', mode: 'apply', refs: ['reg:5000/api:t1'] }]);
    const state = r.store.getState().resources.api;
    expect(state?.phase).toBe('ready');
    expect(state?.deployedTags).toEqual({ api: 't1' });
    expect(state?.timeline?.phases.map((p) => p.name)).toEqual(['plan', 'build', 'deliver', 'apply', 'rollout']);
    expect(r.actions).toContain('resource-ready');
  });

  it("puts a build's lines in the log pane of every resource running the image, skipping blank ones", async () => {
    const shared: LoopResource = { name: 'worker', images: ['api'], dependsOn: [], trigger: 'auto' };
    const r = rig({ resources: [api, shared], tags: { api: 't1' } });
    await r.loop.start();
    for (const resource of ['api', 'worker'])
      expect(r.logs.tail({ resource, limit: 10 }).map((l) => [l.pod, l.container, l.text, l.source])).toEqual([
        ['build', 'api', '#5 [2/2] COPY . /api', 'build'],
      ]);
  });

  it("puts a base image's build lines in the log pane of the resources whose images build FROM it, once where logs merge", async () => {
    const worker: LoopResource = { name: 'worker', images: ['web'], dependsOn: [], trigger: 'auto' };
    const r = rig({
      resources: [api, worker],
      tags: { base: 'b1', api: 't1', web: 'w1' },
      deps: { base: [], api: ['base'], web: ['api'] },
    });
    await r.loop.start();
    const baseLines = (resource?: string) =>
      r.logs
        .tail({ limit: 10, ...(resource ? { resource } : {}) })
        .filter((l) => l.container === 'base')
        .map((l) => l.text);
    expect(baseLines('api')).toEqual(['#5 [2/2] COPY . /base']);
    expect(baseLines('worker')).toEqual(['#5 [2/2] COPY . /base']);
    expect(baseLines()).toEqual(['#5 [2/2] COPY . /base']);
  });

  it('a change that leaves every tag the same builds and deploys nothing', async () => {
    const r = rig({ resources: [api], tags: { api: 't1' } });
    await r.loop.start();
    await r.loop.changes(r.change('/p/README.md'));
    expect(r.built).toEqual(['api:t1']);
    expect(r.deployed).toHaveLength(1);
  });

  it('reports changes made to a ready workload by hand, and the next change deploys devloop’s image again', async () => {
    const r = rig({ resources: [api], tags: { api: 't1' } });
    await r.loop.start();
    r.live.get('api')?.({ kind: 'pod-deleted', pod: 'api-1' });
    r.live.get('api')?.({ kind: 'replicas', ready: 0, wanted: 1 });
    expect(r.store.getState().resources.api?.rollout).toEqual({ message: '0 of 1 pods ready', podsReady: 0, podsWanted: 1 });
    r.live.get('api')?.({ kind: 'replicas', ready: 1, wanted: 1 });
    expect(r.actions.filter((a) => a === 'resource-ready')).toHaveLength(2);
    r.live.get('api')?.({ kind: 'image-changed', container: 'app', expected: 'reg:5000/api:t1', actual: 'busybox' });
    expect(r.store.getState().resources.api).toMatchObject({ phase: 'failed', problem: { reason: 'image-changed-outside-devloop' } });
    await r.loop.changes(r.change('/p/README.md'));
    expect(r.deployed.at(-1)).toEqual({ resource: 'api', mode: 'patch', refs: ['reg:5000/api:t1'] });
    expect(r.store.getState().resources.api?.problem).toBeUndefined();
    await r.loop.stop();
    expect(r.live.size).toBe(0);
  });

  it('a new tag rebuilds and patches (not re-applies) the workload', async () => {
    const r = rig({ resources: [api], tags: { api: 't1' } });
    await r.loop.start();
    r.tags.api = 't2';
    await r.loop.changes(r.change('/p/api/main.py'));
    expect(r.deployed.at(-1)).toEqual({ resource: 'api', mode: 'patch', refs: ['reg:5000/api:t2'] });
    expect(r.store.getState().resources.api?.lastEditToReadyMs).toBe(100);
  });

  it('applies on the first deploy of a session and patches after, as the state records', async () => {
    const r = rig({ resources: [api], tags: { api: 't1' } });
    await r.loop.start();
    expect(r.store.getState().resources.api?.applied).toBe(true);
    r.tags.api = 't2';
    await r.loop.changes(r.change('/p/api/main.py'));
    expect(r.deployed.map((d) => d.mode)).toEqual(['apply', 'patch']);
  });

  it('a failed build leaves the running pods alone and the next good edit recovers', async () => {
    const r = rig({ resources: [api], tags: { api: 't1' } });
    await r.loop.start();
    r.tags.api = 't2';
    r.buildFailures.set('api', { stage: 'build', reason: 'build-failed', message: 'step 3/5 RUN make failed' });
    await r.loop.changes(r.change('/p/api/main.py'));
    expect(r.deployed).toHaveLength(1);
    expect(r.store.getState().resources.api?.phase).toBe('failed');
    expect(r.store.getState().resources.api?.problem?.reason).toBe('build-failed');
    r.buildFailures.clear();
    r.tags.api = 't3';
    await r.loop.changes(r.change('/p/api/main.py'));
    expect(r.store.getState().resources.api?.phase).toBe('ready');
    expect(r.deployed.at(-1)?.refs).toEqual(['reg:5000/api:t3']);
  });

  it('a rollout failure is reported with its reason', async () => {
    const r = rig({ resources: [api], tags: { api: 't1' } });
    r.rolloutFailures.set('api', { stage: 'rollout', reason: 'crash-loop', message: 'exit code 1', fix: 'read the logs' });
    await r.loop.start();
    expect(r.store.getState().resources.api?.problem).toMatchObject({ reason: 'crash-loop', fix: 'read the logs' });
  });

  it('a newer change cancels a stale build through the state, planned once; the last save is what runs', async () => {
    const r = rig({ resources: [api], tags: { api: 't1' } });
    await r.loop.start();
    let open!: () => void;
    r.gate(new Promise<void>((resolve) => (open = resolve)));
    r.tags.api = 't2';
    const first = r.loop.changes(r.change('/p/api/a.py'));
    await vi.waitFor(() => expect(r.store.getState().work?.tags).toEqual({ api: 't2' }));
    const plansBefore = r.plans;
    r.tags.api = 't3';
    const second = r.loop.changes(r.change('/p/api/b.py'));
    await vi.waitFor(() => expect(r.store.getState().work?.cancelling).toBe('newer-changes'));
    open();
    await Promise.all([first, second]);
    expect(r.plans - plansBefore).toBe(1);
    expect(r.store.getState().work).toBeUndefined();
    expect(r.built).toEqual(['api:t1', 'api:t3']);
    expect(r.deployed.at(-1)?.refs).toEqual(['reg:5000/api:t3']);
    expect(r.actions).toContain('iteration-superseded');
    expect(r.store.getState().resources.api?.deployedTags.api).toBe('t3');
  });

  it('a resource waits for the resources it depends on', async () => {
    const r = rig({ resources: [web, api], tags: { api: 'a1', web: 'w1' } });
    await r.loop.start();
    expect(r.deployed.map((d) => d.resource)).toEqual(['api', 'web']);
    expect(r.store.getState().order).toEqual(['api', 'web']);
  });

  it('a dependent is held when its dependency fails', async () => {
    const r = rig({ resources: [web, api], tags: { api: 'a1', web: 'w1' } });
    r.rolloutFailures.set('api', { stage: 'rollout', reason: 'crash-loop', message: 'boom' });
    await r.loop.start();
    expect(r.deployed.map((d) => d.resource)).toEqual(['api']);
    expect(r.store.getState().resources.web?.waiting).toEqual({ kind: 'dependency-not-ready', on: 'api' });
  });

  it('a manual resource waits for its trigger', async () => {
    const manual: LoopResource = { ...api, trigger: 'manual' };
    const r = rig({ resources: [manual], tags: { api: 't1' } });
    await r.loop.start();
    r.tags.api = 't2';
    await r.loop.changes(r.change('/p/api/main.py'));
    expect(r.built).toEqual(['api:t1']);
    expect(r.store.getState().resources.api?.waiting).toEqual({ kind: 'trigger' });
    await r.loop.trigger('api');
    expect(r.built).toEqual(['api:t1', 'api:t2']);
    expect(r.store.getState().resources.api?.phase).toBe('ready');
  });

  it('an exception in a port rejects that iteration only: the next batch still runs', async () => {
    const r = rig({ resources: [api], tags: { api: 't1' } });
    r.exceptions.plan = new TypeError('planner bug');
    await expect(r.loop.start()).rejects.toThrow('planner bug');
    await r.loop.idle();
    r.exceptions.plan = undefined;
    await r.loop.changes(r.change('/p/api/main.py'));
    expect(r.store.getState().resources.api?.phase).toBe('ready');
  });

  it('an exception in one resource’s build cancels the iteration’s other work before it surfaces', async () => {
    const other: LoopResource = { name: 'other', images: ['other'], dependsOn: [], trigger: 'auto' };
    const r = rig({ resources: [api, other], tags: { api: 't1', other: 'o1' } });
    let open!: () => void;
    r.gate(new Promise<void>((resolve) => (open = resolve)));
    r.exceptions.build.set('api', new Error('ENOTDIR: not a directory'));
    await expect(r.loop.start()).rejects.toThrow('ENOTDIR');
    expect(r.buildSignals.get('other')?.aborted).toBe(true);
    open();
    await r.loop.idle();
    expect(r.deployed).toEqual([]);
  });

  it('builds a base image before the image built FROM it', async () => {
    const r = rig({ resources: [api], tags: { base: 'b1', api: 't1' }, deps: { base: [], api: ['base'] } });
    await r.loop.start();
    expect(r.built).toEqual(['base:b1', 'api:t1']);
  });

  it('a base image that fails to build fails the resources built FROM it, naming the base', async () => {
    const r = rig({ resources: [api], tags: { base: 'b1', api: 't1' }, deps: { base: [], api: ['base'] } });
    r.buildFailures.set('base', { stage: 'build', reason: 'build-failed', message: 'step 2/3 RUN make: exit 2' });
    await r.loop.start();
    expect(r.built).toEqual([]);
    expect(r.store.getState().resources.api).toMatchObject({
      phase: 'failed',
      problem: { stage: 'build', reason: 'build-failed', message: 'api was not built: base, which it builds FROM, failed to build' },
    });
  });
});
