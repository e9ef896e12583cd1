import { describe, expect, it } from 'vitest';
import type { KubeObject } from './kube-types.ts';
import { patchableWhilePushing } from './patch-while-pushing.ts';

const deployment = (spec: Record<string, unknown>): KubeObject =>
  ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec }) as KubeObject;

describe('patchableWhilePushing', () => {
  it('allows a Deployment whose rolling update keeps every old pod until a new one is ready', () => {
    expect(patchableWhilePushing(deployment({}))).toBe(true); // 1 replica, 25 %: unavailable 0, surge 1
    expect(patchableWhilePushing(deployment({ replicas: 3 }))).toBe(true);
    expect(patchableWhilePushing(deployment({ replicas: 2, strategy: { rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } } }))).toBe(true);
  });

  it('refuses when old pods may stop before new ones are ready', () => {
    expect(patchableWhilePushing(deployment({ replicas: 4 }))).toBe(false); // 25 % of 4 = 1 unavailable
    expect(patchableWhilePushing(deployment({ strategy: { type: 'Recreate' } }))).toBe(false);
    expect(patchableWhilePushing(deployment({ strategy: { rollingUpdate: { maxUnavailable: '50%', maxSurge: 0 } }, replicas: 2 }))).toBe(
      false,
    );
    // both resolve to 0: the controller lets one pod go
    expect(patchableWhilePushing(deployment({ strategy: { rollingUpdate: { maxUnavailable: 0, maxSurge: '10%' } } }))).toBe(true);
    expect(patchableWhilePushing(deployment({ strategy: { rollingUpdate: { maxUnavailable: '10%', maxSurge: '0%' } } }))).toBe(false);
    expect(patchableWhilePushing(deployment({ strategy: { rollingUpdate: { maxUnavailable: 'x' } } }))).toBe(false);
  });

  it('refuses every other kind', () => {
    for (const kind of ['StatefulSet', 'DaemonSet', 'Job', 'Pod', 'Runner'])
      expect(patchableWhilePushing({ apiVersion: 'apps/v1', kind, metadata: { name: 'w' } }), kind).toBe(false);
    expect(patchableWhilePushing(undefined)).toBe(false);
  });
});
