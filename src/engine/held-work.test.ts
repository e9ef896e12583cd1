import { describe, expect, it } from 'vitest';
import type { Problem } from '../core/problem.ts';
import { rig } from './dev-loop-rig.test-support.ts';
import { holdAfter } from './held-work.ts';
import { componentDown } from './hold.ts';
import type { LoopResource } from './loop-model.ts';
import type { Component } from './ports.ts';

const api: LoopResource = { name: 'api', images: ['api'], dependsOn: [], trigger: 'auto' };
const web: LoopResource = { name: 'web', images: ['web'], dependsOn: ['api'], trigger: 'auto' };

const registryDown: Problem = { stage: 'deliver', reason: 'registry-unreachable', message: 'connection refused' };
const dockerDown: Problem = { stage: 'build', reason: 'docker-unavailable', message: 'Cannot connect to the Docker daemon' };
const apiDown: Problem = { stage: 'deploy', reason: 'kube-unreachable', message: 'ECONNREFUSED' };

/** Lets promise chains (probe answers, the retry iteration) run, then waits for the loop to be idle. */
async function settle(r: ReturnType<typeof rig>): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  await r.loop.idle();
}

/** Lets `count` probe waits run out, one after the other: how long each was. */
async function waits(r: ReturnType<typeof rig>, count: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    await settle(r);
    const wait = (r.clock.due() ?? 0) - r.clock.timers.now();
    out.push(wait);
    r.clock.advance(wait);
  }
  await settle(r);
  return out;
}

/** A running project with one edit made while `component` was down. */
async function heldEdit(component: Component, resources: LoopResource[] = [api]) {
  const r = rig({ resources, tags: Object.fromEntries(resources.flatMap((res) => res.images.map((i) => [i, 't1']))) });
  await r.loop.start();
  for (const image of Object.keys(r.tags)) r.tags[image] = 't2';
  if (component === 'registry') r.deliveryFailures.set('api', registryDown);
  if (component === 'docker') r.buildFailures.set('api', dockerDown);
  if (component === 'kube-api') r.deployFailures.set('api', apiDown);
  await r.loop.changes(r.change('/p/api/main.py'));
  const comesBack = () => {
    r.deliveryFailures.clear();
    r.buildFailures.clear();
    r.deployFailures.clear();
    r.answering.add(component);
  };
  return { ...r, comesBack };
}

describe('work held while a component is down', () => {
  it.each([
    ['registry', 'waiting-for-registry', 'registry-unreachable'],
    ['docker', 'waiting-for-docker', 'docker-unavailable'],
    ['kube-api', 'waiting-for-kube-api', 'kube-unreachable'],
  ] as const)(
    '%s down: the edit is held with %s, and runs again without another edit when it answers',
    async (component, reason, cause) => {
      const r = await heldEdit(component);
      const held = r.store.getState();
      expect(held.hold).toMatchObject({ reason, component, cause, resources: ['api'] });
      expect(held.resources.api).toMatchObject({ phase: 'failed', problem: { reason: cause } });
      expect(held.resources.api?.waiting).toEqual({ kind: 'component', reason, component });
      expect(r.deployed.at(-1)?.refs).toEqual(['reg:5000/api:t1']);

      await settle(r);
      r.clock.advance(250);
      await settle(r);
      expect(r.probes).toEqual([component]);
      r.comesBack();
      r.clock.advance(500);
      await settle(r);

      expect(r.actions.filter((a) => a === 'work-resumed')).toHaveLength(1);
      const state = r.store.getState();
      expect(state.hold).toBeUndefined();
      expect(state.resources.api).toMatchObject({ phase: 'ready', waiting: undefined, deployedTags: { api: 't2' } });
      expect(r.deployed.at(-1)?.refs).toEqual(['reg:5000/api:t2']);
      expect(r.built).toEqual(['api:t1', 'api:t2']);
      expect(r.clock.due()).toBeUndefined();
      expect(r.faults).toEqual([]);
    },
  );

  it('probes with doubling waits up to half a second while the component stays down', async () => {
    const r = await heldEdit('registry');
    expect(await waits(r, 5)).toEqual([250, 500, 500, 500, 500]);
    expect(r.probes).toHaveLength(5);
    expect(r.store.getState().hold?.reason).toBe('waiting-for-registry');
  });

  it('a component that answers while the step still fails is retried more slowly each time', async () => {
    const r = await heldEdit('registry');
    r.answering.add('registry');
    expect(await waits(r, 5)).toEqual([250, 500, 1000, 2000, 4000]);
    expect(r.actions.filter((a) => a === 'work-resumed')).toHaveLength(5);
    r.deliveryFailures.clear();
    await settle(r);
    r.clock.advance(4000);
    await settle(r);
    expect(r.store.getState().resources.api?.phase).toBe('ready');
    // Once an iteration went through, the next hold starts quickly again.
    r.tags.api = 't3';
    r.deliveryFailures.set('api', registryDown);
    await r.loop.changes(r.change('/p/api/main.py'));
    await settle(r);
    expect((r.clock.due() ?? 0) - r.clock.timers.now()).toBe(250);
  });

  it('holds the dependents of the failed resource too, and brings both up', async () => {
    const r = await heldEdit('registry', [api, web]);
    expect(r.store.getState().hold?.resources).toEqual(['api', 'web']);
    r.comesBack();
    await settle(r);
    r.clock.advance(250);
    await settle(r);
    expect(r.store.getState().resources.api?.phase).toBe('ready');
    expect(r.store.getState().resources.web).toMatchObject({ phase: 'ready', deployedTags: { web: 't2' } });
  });

  it('a newer edit while waiting takes over: the hold ends, probing stops', async () => {
    const r = await heldEdit('registry');
    r.deliveryFailures.clear();
    r.tags.api = 't3';
    await r.loop.changes(r.change('/p/api/main.py'));
    expect(r.store.getState().hold).toBeUndefined();
    expect(r.store.getState().resources.api?.phase).toBe('ready');
    expect(r.deployed.at(-1)?.refs).toEqual(['reg:5000/api:t3']);
    expect(r.clock.due()).toBeUndefined();
    r.clock.advance(5000);
    await settle(r);
    expect(r.probes).toEqual([]);
  });

  it('stopping while waiting ends the wait at once, with no retry after', async () => {
    const r = await heldEdit('kube-api');
    await settle(r);
    await r.loop.stop();
    expect(r.clock.due()).toBeUndefined();
    r.comesBack();
    r.clock.advance(5000);
    await settle(r);
    expect(r.probes).toEqual([]);
    expect(r.actions).not.toContain('work-resumed');
  });

  it('a failure of the project itself (a build error) is not held', async () => {
    const r = rig({ resources: [api], tags: { api: 't1' } });
    await r.loop.start();
    r.tags.api = 't2';
    r.buildFailures.set('api', { stage: 'build', reason: 'build-failed', message: 'RUN make failed' });
    await r.loop.changes(r.change('/p/api/main.py'));
    expect(r.store.getState().hold).toBeUndefined();
    expect(r.clock.due()).toBeUndefined();
  });
});

describe('componentDown / holdAfter', () => {
  it('names the component only for a component’s absence', () => {
    expect(componentDown(registryDown)).toBe('registry');
    expect(componentDown(dockerDown)).toBe('docker');
    expect(componentDown(apiDown)).toBe('kube-api');
    expect(componentDown({ stage: 'rollout', reason: 'crash-loop', message: '' })).toBeUndefined();
    expect(componentDown(undefined)).toBeUndefined();
  });

  it('needs a failed resource; ready ones are not held', async () => {
    const r = rig({ resources: [api, { ...web, dependsOn: [] }], tags: { api: 't1', web: 't1' } });
    await r.loop.start();
    expect(holdAfter(r.store.getState(), ['api', 'web'], 0)).toBeUndefined();
  });
});
