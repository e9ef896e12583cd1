import { describe, expect, it, vi } from 'vitest';
import { rig } from './dev-loop-rig.test-support.ts';
import type { LoopResource } from './loop-model.ts';

const api: LoopResource = { name: 'api', images: ['api'], dependsOn: [], trigger: 'auto' };

/** A promise and the function that settles it. */
function deferred(): { promise: Promise<void>; release: () => void } {
  let release = () => {};
  const promise = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { promise, release };
}

describe('deploying while the image is pushed', () => {
  it('patches the workload as the push starts and follows the rollout with the reference still travelling', async () => {
    const r = rig({ resources: [api], tags: { api: 't1' }, whilePushing: true });
    await r.loop.start();
    expect(r.arrivals).toEqual([]); // the first deploy applies after its push
    r.tags.api = 't2';
    const push = deferred();
    r.gatePushes(push.promise);
    const done = r.loop.changes(r.change('/p/api/main.go'));
    await vi.waitFor(() => expect(r.deployed).toHaveLength(2));
    expect(r.deployed[1]).toEqual({ resource: 'api', mode: 'patch', refs: ['reg:5000/api:t2'] });
    expect(r.actions.filter((a) => a === 'delivery-completed')).toHaveLength(1);
    push.release();
    await done;
    expect(r.arrivals).toEqual([['reg:5000/api:t2']]);
    expect(r.store.getState().resources.api).toMatchObject({ phase: 'ready', deployedTags: { api: 't2' } });
    expect(r.actions.lastIndexOf('deploy-started')).toBeLessThan(r.actions.lastIndexOf('delivery-completed'));
  });

  it('puts the previous image back when the push fails, and the resource fails with the push', async () => {
    const r = rig({ resources: [api], tags: { api: 't1' }, whilePushing: true });
    await r.loop.start();
    r.tags.api = 't2';
    const push = deferred();
    r.gatePushes(push.promise);
    const done = r.loop.changes(r.change('/p/api/main.go'));
    await vi.waitFor(() => expect(r.deployed).toHaveLength(2));
    r.deliveryFailures.set('api', { stage: 'deliver', reason: 'push-failed', message: 'registry unreachable' });
    push.release();
    await done;
    expect(r.deployed.map((d) => d.refs)).toEqual([['reg:5000/api:t1'], ['reg:5000/api:t2'], ['reg:5000/api:t1']]);
    const state = r.store.getState().resources.api;
    expect(state?.phase).toBe('failed');
    expect(state?.problem?.message).toBe('registry unreachable');
    expect(r.faults).toEqual([]);
  });

  it('waits for the push where the workload could lose running pods, or the last push was not quick', async () => {
    const r = rig({ resources: [api], tags: { api: 't1' } });
    await r.loop.start();
    r.tags.api = 't2';
    const push = deferred();
    r.gatePushes(push.promise);
    const done = r.loop.changes(r.change('/p/api/main.go'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(r.deployed).toHaveLength(1);
    push.release();
    await done;
    expect(r.deployed).toHaveLength(2);
    expect(r.arrivals).toEqual([]);
  });
});
