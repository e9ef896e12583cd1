import { describe, expect, it } from 'vitest';
import type { KubeObject, Pod } from './kube-types.ts';
import { injectImages } from './manifests.ts';
import { pod } from './pod-fixtures.test-support.ts';
import { evaluateCustom } from './rollout-custom.ts';

const runner: KubeObject = {
  apiVersion: 'e2e.example.dev/v1',
  kind: 'Runner',
  metadata: { name: 'web', labels: { app: 'runner-web' } },
  spec: { runner: { image: 'hello-web' }, sidecars: [{ image: 'other:1' }, { image: 'hello-web:old' }] },
};

describe('a custom resource with image paths', () => {
  it('gets devloop images in the named fields only, by repository', () => {
    const { objects, injected } = injectImages([runner], {
      images: [{ name: 'hello-web', repository: 'hello-web', ref: 'reg/hello-web:devloop-1' }],
      mappings: [
        {
          workload: {
            kind: 'Runner',
            name: 'web',
            imagePaths: ['spec.runner.image', 'spec.sidecars[1].image', 'spec.sidecars[0].image', 'spec.nothing.image'],
          },
          containers: {},
        },
      ],
    });
    expect(objects[0]?.spec).toEqual({
      runner: { image: 'reg/hello-web:devloop-1' },
      sidecars: [{ image: 'other:1' }, { image: 'reg/hello-web:devloop-1' }],
    });
    expect(injected.map((i) => i.container)).toEqual(['spec.runner.image', 'spec.sidecars[1].image']);
  });

  const owned = (name: string, image: string, ready: boolean, ownerUid: string): Pod => {
    const p = pod({ name, image, ready, status: ready ? { ready: true, started: true, state: { running: {} } } : {} });
    return { ...p, metadata: { ...p.metadata, labels: {}, ownerReferences: [{ kind: 'ReplicaSet', name: 'rs', uid: ownerUid }] } };
  };
  const chain: KubeObject[] = [
    {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'rs', uid: 'rs-uid', ownerReferences: [{ kind: 'Deployment', name: 'd', uid: 'd-uid' }] },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd', uid: 'd-uid', ownerReferences: [{ kind: 'Runner', name: 'web', uid: 'web-uid' }] },
    },
  ];
  const observe = (pods: Pod[]) => ({
    owner: { kind: 'Runner', name: 'web', uid: 'web-uid', labels: {} },
    images: ['reg/hello-web:devloop-2'],
    owners: chain,
    pods,
    events: [],
  });

  it('follows the pods it owns through a Deployment and its ReplicaSet, and waits for the new image on all of them', () => {
    expect(evaluateCustom(observe([]))).toMatchObject({ state: 'waiting' });
    expect(
      evaluateCustom(
        observe([owned('a', 'reg/hello-web:devloop-2', true, 'rs-uid'), owned('b', 'reg/hello-web:devloop-1', true, 'rs-uid')]),
      ),
    ).toMatchObject({
      reason: '1 pods of Runner web still run an older image',
    });
    expect(
      evaluateCustom(
        observe([owned('a', 'reg/hello-web:devloop-2', true, 'rs-uid'), owned('x', 'reg/hello-web:devloop-1', true, 'other')]),
      ),
    ).toEqual({
      state: 'ready',
      pods: ['a'],
    });
  });

  it('fails fast on a new pod that cannot start', () => {
    const crashing = owned('a', 'reg/hello-web:devloop-2', false, 'rs-uid');
    crashing.status = {
      ...crashing.status,
      containerStatuses: [{ name: 'app', restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } } }],
    };
    expect(evaluateCustom(observe([crashing]))).toMatchObject({ state: 'failed', failure: { reason: 'crash-loop' } });
  });
});
