import { describe, expect, it } from 'vitest';
import { err, type Result } from '../core/result.ts';
import { deliveredImages, twoResources, workloadManifest } from './deployer-fixtures.test-support.ts';
import { FakeKubeClient } from './fake-kube-client.ts';
import type { KubeError } from './kube-client.ts';
import { KubeDeployer } from './kube-deployer.ts';
import type { KubeObject } from './kube-types.ts';
import { pod, replicaSet } from './pod-fixtures.test-support.ts';

const workload = (name: string) => workloadManifest(name);
const service: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ port: 80 }] } };
const settings = twoResources;
const images = deliveredImages;

function setup(options: { objects?: KubeObject[]; client?: FakeKubeClient } = {}) {
  const client = options.client ?? new FakeKubeClient();
  const deployer = new KubeDeployer({
    client,
    config: settings,
    objects: options.objects ?? [workload('web'), workload('worker'), service],
    importedImages: new Set(),
  });
  const stored = (kind: string) =>
    client
      .objects()
      .filter((o) => o.kind === kind)
      .map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`);
  const image = (name: string) => {
    const found = client.objects().find((o) => o.kind === 'Deployment' && o.metadata.name === name);
    return (found?.spec as { template: { spec: { containers: { image: string }[] } } } | undefined)?.template.spec.containers[0]?.image;
  };
  return { client, deployer, stored, image };
}

describe('KubeDeployer', () => {
  it('creates the namespace once, applies the shared objects with the first resource only, and each workload with its image', async () => {
    const { client, deployer, stored, image } = setup();
    expect(await deployer.apply(['web'], images('web'))).toEqual({ ok: true, value: undefined });
    expect(stored('Namespace')).toEqual(['/dev']);
    expect(stored('Deployment')).toEqual(['dev/web']);
    expect(stored('Service')).toEqual(['dev/web']);
    expect(image('web')).toBe('reg:5000/web:devloop-1');
    const applied = client.calls.filter((c) => c.method === 'apply').length;
    expect(await deployer.apply(['worker'], images('worker'))).toEqual({ ok: true, value: undefined });
    const kinds = client.calls
      .filter((c) => c.method === 'apply')
      .slice(applied)
      .map((c) => (c.args as KubeObject).kind);
    expect(kinds).toEqual(['ConfigMap', 'Deployment']);
    expect(stored('Deployment')).toEqual(['dev/web', 'dev/worker']);
  });

  it('leaves a namespace the manifests declare to them', async () => {
    const namespace: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dev' } };
    const { client, deployer, stored } = setup({ objects: [namespace, workload('web')] });
    expect((await deployer.apply(['web'], images('web'))).ok).toBe(true);
    expect(client.calls.filter((c) => c.method === 'get')).toEqual([]);
    expect(stored('Namespace')).toEqual(['/dev']);
  });

  it('patches only the image of a workload in the cluster, and applies it when it is gone', async () => {
    const { client, deployer, image } = setup();
    await deployer.apply(['web'], images('web'));
    const patched = await deployer.patch(
      'web',
      new Map([['web', { image: 'web', deployRef: 'reg:5000/web:devloop-2', imagePullPolicy: 'IfNotPresent' }]]),
    );
    expect(patched.ok).toBe(true);
    expect(image('web')).toBe('reg:5000/web:devloop-2');
    client.remove({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'dev' });
    const again = await deployer.patch('web', images('web'));
    expect(again.ok).toBe(true);
    expect(client.calls.at(-1)?.method).toBe('apply');
    expect(image('web')).toBe('reg:5000/web:devloop-1');
  });

  it('says where it looked for a workload the manifests lack, and what to change', async () => {
    const { deployer } = setup({ objects: [workload('web')] });
    const result = await deployer.apply(['worker'], images('worker'));
    expect(!result.ok && result.error).toEqual({
      stage: 'deploy',
      reason: 'workload-not-in-manifests',
      message: 'no Deployment named worker in the manifests (k8s/*.yaml)',
      fix: 'add it to a file listed in manifests, or set resources.worker.workload.name to the right name',
    });
  });

  it('names the object the cluster refused, and an unreachable API server with where to look', async () => {
    class Refusing extends FakeKubeClient {
      override async apply(object: KubeObject): Promise<Result<KubeObject, KubeError>> {
        if (object.kind === 'Service') return err({ reason: 'kube-invalid', message: 'spec.ports[0].port: Invalid value: 0' });
        return super.apply(object);
      }
    }
    const refused = await setup({ client: new Refusing() }).deployer.apply(['web'], images('web'));
    expect(!refused.ok && refused.error).toMatchObject({
      stage: 'deploy',
      reason: 'kube-invalid',
      message: 'Service web was not applied: spec.ports[0].port: Invalid value: 0',
      fix: 'fix the manifest; the cluster refused it as written',
    });
    const { client, deployer } = setup();
    client.failNext('get', { reason: 'kube-unreachable', message: 'connect ECONNREFUSED 127.0.0.1:6550' });
    const down = await deployer.apply(['web'], images('web'));
    expect(!down.ok && down.error).toEqual({
      stage: 'deploy',
      reason: 'kube-unreachable',
      message: 'connect ECONNREFUSED 127.0.0.1:6550',
      fix: 'is the cluster running? `k3d cluster list`, `kubectl cluster-info`',
    });
    expect(await deployer.apiAnswers()).toBe(true);
  });

  it('follows the rollout until ready, then reports an image changed by hand', async () => {
    const { client, deployer } = setup({ objects: [workload('web')] });
    await deployer.apply(['web'], images('web'));
    const ready = deployer.waitReady('web', { signal: new AbortController().signal, onProgress: () => undefined });
    await new Promise((r) => setTimeout(r, 10));
    const running = pod({
      name: 'web-1',
      ready: true,
      image: 'reg:5000/web:devloop-1',
      readinessProbe: { httpGet: { port: 80 } },
      status: { ready: true, started: true, state: { running: {} } },
    });
    client.put({ ...running, metadata: { ...running.metadata, labels: { app: 'web' } }, status: { ...running.status, phase: 'Running' } });
    client.put(replicaSet('web-7d4b9c', '1'));
    const deployed = client.objects().find((o) => o.kind === 'Deployment') as KubeObject;
    client.put({
      ...deployed,
      metadata: { ...deployed.metadata, annotations: { 'deployment.kubernetes.io/revision': '1' } },
      status: { observedGeneration: deployed.metadata.generation, replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 },
    });
    expect(await ready).toEqual({ ok: true, value: { message: 'ready', podsReady: 1, podsWanted: 1 } });

    const changes: string[] = [];
    const watch = deployer.watchLive('web', (change) => changes.push(change.kind));
    const current = client.objects().find((o) => o.kind === 'Deployment') as KubeObject;
    const spec = structuredClone(current.spec) as { template: { spec: { containers: { image: string }[] } } };
    (spec.template.spec.containers[0] as { image: string }).image = 'web:by-hand';
    await new Promise((r) => setTimeout(r, 10));
    client.put({ ...current, spec });
    await new Promise((r) => setTimeout(r, 10));
    watch?.stop();
    expect(changes).toContain('image-changed');
  });
});
