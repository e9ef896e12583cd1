import { describe, expect, it } from 'vitest';
import { FakeKubeClient } from './fake-kube-client.ts';
import { imagePatchBody } from './image-patch-body.ts';
import type { KubeObject } from './kube-types.ts';
import { schemaKeysForSerializer } from './node-kube-client.ts';
import { clearForRecreate, replaceStalePods, SPEC_HASH_ANNOTATION, withSpecHash } from './replace-workload.ts';

const job = (image: string): KubeObject => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'migrate', namespace: 'dev' },
  spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'app', image }] } } },
});

describe('clearForRecreate', () => {
  it('leaves a Job with the same spec, deletes and waits out one whose spec changed', async () => {
    const client = new FakeKubeClient();
    expect(await clearForRecreate(client, withSpecHash(job('a')))).toEqual({ ok: true, value: 'absent' });
    client.put(withSpecHash(job('a')));
    expect(await clearForRecreate(client, withSpecHash(job('a')))).toEqual({ ok: true, value: 'unchanged' });
    expect(await clearForRecreate(client, withSpecHash(job('b')), { pollMs: 1 })).toEqual({ ok: true, value: 'deleted' });
    expect(client.objects().some((o) => o.kind === 'Job')).toBe(false);
  });

  it('hashes the spec only', () => {
    const a = withSpecHash(job('a')).metadata.annotations?.[SPEC_HASH_ANNOTATION];
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(
      withSpecHash({ ...job('a'), metadata: { name: 'migrate', labels: { x: 'y' } } }).metadata.annotations?.[SPEC_HASH_ANNOTATION],
    ).toBe(a);
    expect(withSpecHash(job('b')).metadata.annotations?.[SPEC_HASH_ANNOTATION]).not.toBe(a);
  });
});

describe('replaceStalePods', () => {
  const sts = (strategy: string): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db', namespace: 'dev', uid: 'db-uid' },
    spec: { selector: { matchLabels: { app: 'db' } }, updateStrategy: { type: strategy } },
  });
  const pod = (name: string, ready: boolean): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'dev', labels: { app: 'db' }, ownerReferences: [{ kind: 'StatefulSet', name: 'db', uid: 'db-uid' }] },
    status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  });

  it('deletes only the pods that are not ready after a rolling update, since the controller would wait for them forever', async () => {
    const client = new FakeKubeClient();
    client.put(sts('RollingUpdate'));
    client.put(pod('db-0', true));
    client.put(pod('db-1', false));
    expect(await replaceStalePods(client, sts('RollingUpdate'), 'dev')).toEqual({ ok: true, value: ['db-1'] });
  });

  it('deletes every pod with OnDelete', async () => {
    const client = new FakeKubeClient();
    client.put(sts('OnDelete'));
    client.put(pod('db-0', true));
    client.put(pod('db-1', true));
    expect(await replaceStalePods(client, sts('OnDelete'), 'dev')).toEqual({ ok: true, value: ['db-0', 'db-1'] });
  });
});

describe('imagePatchBody', () => {
  const c = [{ container: 'app', image: 'r/app:1', imagePullPolicy: 'IfNotPresent' }];
  it('puts the containers where each kind keeps its pod spec', () => {
    const ref = (kind: string) => ({ apiVersion: 'v1', kind, name: 'x', namespace: 'dev' });
    expect(imagePatchBody(ref('Deployment'), c).spec).toEqual({
      template: { spec: { containers: [{ name: 'app', image: 'r/app:1', imagePullPolicy: 'IfNotPresent' }] } },
    });
    expect(imagePatchBody(ref('CronJob'), c).spec).toMatchObject({
      jobTemplate: { spec: { template: { spec: { containers: [{ name: 'app' }] } } } },
    });
    expect(imagePatchBody(ref('Pod'), c).spec).toEqual({
      containers: [{ name: 'app', image: 'r/app:1', imagePullPolicy: 'IfNotPresent' }],
    });
  });
});

describe('schemaKeysForSerializer', () => {
  it("spells a CRD schema's x-kubernetes keys the way client-node's model reads them, at any depth", () => {
    const schema = {
      spec: {
        versions: [
          { schema: { openAPIV3Schema: { properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } } } },
        ],
      },
    };
    expect(schemaKeysForSerializer(schema)).toEqual({
      spec: {
        versions: [
          { schema: { openAPIV3Schema: { properties: { spec: { type: 'object', x_kubernetes_preserve_unknown_fields: true } } } } },
        ],
      },
    });
  });
});
