import { describe, expect, it } from 'vitest';
import { ok, type Result } from '../core/result.ts';
import { deliveredImages, twoResources, workloadManifest } from './deployer-fixtures.test-support.ts';
import { FakeKubeClient } from './fake-kube-client.ts';
import { inventoryName, markManaged, readInventory, recordApplied, refOf, teardown } from './inventory.ts';
import type { Scope } from './kinds.ts';
import type { KubeError } from './kube-client.ts';
import { KubeDeployer } from './kube-deployer.ts';
import type { KubeObject } from './kube-types.ts';

const workload = workloadManifest;
const object = (apiVersion: string, kind: string, name: string, namespace?: string): KubeObject => ({
  apiVersion,
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}) },
});
const configMap = (name: string, namespace?: string) => object('v1', 'ConfigMap', name, namespace);
const crd = (kind: string, scope: 'Namespaced' | 'Cluster', group = 'example.dev'): KubeObject => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${kind.toLowerCase()}s.${group}` },
  spec: {
    group,
    scope,
    names: { kind, plural: `${kind.toLowerCase()}s` },
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } }],
  },
});

const settings = twoResources;
const images = (name: string) => deliveredImages(name);

function deployer(client: FakeKubeClient, objects: KubeObject[], options: { files?: Map<KubeObject, string>; crdWaitMs?: number } = {}) {
  const notices: string[] = [];
  const d = new KubeDeployer({
    client,
    config: settings,
    objects,
    importedImages: new Set(),
    notice: (m) => notices.push(m),
    crdWait: { timeoutMs: options.crdWaitMs ?? 60, intervalMs: 5 },
    ...(options.files ? { files: options.files } : {}),
  });
  return { deployer: d, notices };
}

const applied = (client: FakeKubeClient, from = 0) =>
  client.calls
    .slice(from)
    .filter((c) => c.method === 'apply')
    .map((c) => c.args as KubeObject)
    .filter((o) => o.metadata.name !== inventoryName('/p'))
    .map((o) => `${o.kind}/${o.metadata.name}`);

const stored = (client: FakeKubeClient) =>
  client
    .objects()
    .filter((o) => o.metadata.name !== inventoryName('/p'))
    .map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`)
    .sort();

const inventory = async (client: FakeKubeClient) => {
  const read = await readInventory(client, { rootDir: '/p', namespace: 'dev' });
  return read.ok ? read.value.map((r) => `${r.kind}/${r.namespace ?? ''}/${r.name}`).sort() : read;
};

describe('applying manifests: order, namespaces and CRDs', () => {
  it('applies in kind order, then each other workload on its own', async () => {
    const client = new FakeKubeClient();
    const { deployer: d } = deployer(client, [
      workload('web'),
      workload('worker'),
      object('networking.k8s.io/v1', 'Ingress', 'web'),
      object('example.dev/v1', 'Widget', 'w'),
      object('v1', 'Service', 'web'),
      configMap('settings'),
      crd('Widget', 'Namespaced'),
      object('rbac.authorization.k8s.io/v1', 'RoleBinding', 'rb'),
      object('v1', 'ServiceAccount', 'sa'),
      object('v1', 'Namespace', 'other'),
    ]);
    expect(await d.apply(['web'], images('web'))).toEqual({ ok: true, value: undefined });
    expect(applied(client)).toEqual([
      'Namespace/dev',
      'Namespace/other',
      'CustomResourceDefinition/widgets.example.dev',
      'RoleBinding/rb',
      'ServiceAccount/sa',
      'ConfigMap/settings',
      'Service/web',
      'Deployment/web',
      'Ingress/web',
      'Widget/w',
    ]);
    const before = client.calls.length;
    expect((await d.apply(['worker'], images('worker'))).ok).toBe(true);
    expect(applied(client, before)).toEqual(['Deployment/worker']);
  });

  it('puts objects in their own namespace or the configured one, custom objects by their CRD in the manifests or in the cluster', async () => {
    const client = new FakeKubeClient();
    // CRDs someone installed before: one namespaced, one cluster-scoped.
    await client.apply(crd('Gadget', 'Namespaced', 'installed.dev'));
    await client.apply(crd('Pool', 'Cluster', 'installed.dev'));
    const { deployer: d } = deployer(client, [
      object('v1', 'Namespace', 'other'),
      workload('web'),
      configMap('here'),
      configMap('there', 'other'),
      crd('Widget', 'Namespaced'),
      crd('Region', 'Cluster'),
      object('example.dev/v1', 'Widget', 'w'),
      object('example.dev/v1', 'Widget', 'w2', 'other'),
      object('example.dev/v1', 'Region', 'r'),
      object('installed.dev/v1', 'Gadget', 'g'),
      // As a Helm chart renders it: its release namespace on a kind it cannot know is cluster-scoped.
      object('installed.dev/v1', 'Pool', 'p', 'release'),
    ]);
    expect(await d.apply(['web'], images('web'))).toEqual({ ok: true, value: undefined });
    expect(stored(client)).toEqual([
      'ConfigMap/dev/here',
      'ConfigMap/other/there',
      'CustomResourceDefinition//gadgets.installed.dev',
      'CustomResourceDefinition//pools.installed.dev',
      'CustomResourceDefinition//regions.example.dev',
      'CustomResourceDefinition//widgets.example.dev',
      'Deployment/dev/web',
      'Gadget/dev/g',
      'Namespace//dev',
      'Namespace//other',
      'Pool//p',
      'Region//r',
      'Widget/dev/w',
      'Widget/other/w2',
    ]);
    expect(await inventory(client)).toContain('Pool//p');
  });

  it('waits for a CRD to be established before its objects', async () => {
    const client = new FakeKubeClient();
    client.establishCrds = false;
    const { deployer: d } = deployer(client, [workload('web'), crd('Widget', 'Namespaced'), object('example.dev/v1', 'Widget', 'w')], {
      crdWaitMs: 10_000,
    });
    const applying = d.apply(['web'], images('web'));
    await new Promise((r) => setTimeout(r, 20));
    expect(stored(client)).not.toContain('Widget/dev/w');
    const pending = client.objects().find((o) => o.kind === 'CustomResourceDefinition') as KubeObject;
    client.put({ ...pending, status: { conditions: [{ type: 'Established', status: 'True' }] } });
    expect(await applying).toEqual({ ok: true, value: undefined });
    expect(stored(client)).toContain('Widget/dev/w');
  });

  it('names a CRD that is never established, applies nothing after it, and down still removes it', async () => {
    const client = new FakeKubeClient();
    client.establishCrds = false;
    const { deployer: d } = deployer(client, [workload('web'), crd('Widget', 'Namespaced'), object('example.dev/v1', 'Widget', 'w')]);
    const result = await d.apply(['web'], images('web'));
    expect(!result.ok && result.error).toEqual({
      stage: 'deploy',
      reason: 'crd-not-established',
      message: 'CustomResourceDefinition widgets.example.dev is not established after 0.1 s: its Established condition is not True',
      fix: '`kubectl describe crd widgets.example.dev` shows its conditions (names another CRD already uses, an invalid schema, …)',
    });
    expect(applied(client)).toEqual(['Namespace/dev', 'CustomResourceDefinition/widgets.example.dev']);
    const down = await teardown(client, { rootDir: '/p', namespace: 'dev' });
    expect(down.ok && down.value.deleted.map((r) => r.name)).toEqual(['widgets.example.dev']);
  });

  it('fails fast on a custom object whose CRD is neither in the manifests nor in the cluster, before applying anything', async () => {
    const client = new FakeKubeClient();
    const widget = object('example.dev/v1', 'Widget', 'w');
    const gizmo = object('example.dev/v1', 'Gizmo', 'g');
    const { deployer: d } = deployer(client, [workload('web'), configMap('settings'), widget, gizmo], {
      files: new Map([
        [widget, 'k8s/widget.yaml'],
        [gizmo, 'k8s/gizmo.yaml'],
      ]),
    });
    const result = await d.apply(['web'], images('web'));
    expect(!result.ok && result.error).toEqual({
      stage: 'deploy',
      reason: 'crd-missing',
      message: 'Widget w (k8s/widget.yaml): no CustomResourceDefinition serves kind Widget in example.dev/v1',
      fix: 'add the CRD to the manifests or install it first',
      details: ['Widget w (k8s/widget.yaml): example.dev/v1 Widget', 'Gizmo g (k8s/gizmo.yaml): example.dev/v1 Gizmo'],
    });
    expect(applied(client)).toEqual(['Namespace/dev']);
    expect(await inventory(client)).toEqual([]);

    class Discovery extends FakeKubeClient {
      override async resourceScope(apiVersion: string, kind: string): Promise<Result<Scope | undefined, KubeError>> {
        return kind === 'ConfigMapp' ? ok(undefined) : super.resourceScope(apiVersion, kind);
      }
    }
    const typo = await deployer(new Discovery(), [workload('web'), object('v1', 'ConfigMapp', 'c')]).deployer.apply(['web'], images('web'));
    expect(!typo.ok && typo.error).toMatchObject({
      reason: 'kind-not-served',
      message: 'ConfigMapp c: the API server serves no kind ConfigMapp in v1',
    });
  });

  it('applies the shared objects once when two resources deploy at the same time, and records both workloads', async () => {
    const client = new FakeKubeClient();
    const { deployer: d } = deployer(client, [workload('web'), workload('worker'), configMap('settings')]);
    const both = await Promise.all([d.apply(['web'], images('web')), d.apply(['worker'], images('worker'))]);
    expect(both.every((r) => r.ok)).toBe(true);
    expect(applied(client).filter((a) => a === 'ConfigMap/settings')).toHaveLength(1);
    expect(await inventory(client)).toEqual(['ConfigMap/dev/settings', 'Deployment/dev/web', 'Deployment/dev/worker']);
  });
});

describe('applying manifests: what is no longer in them', () => {
  /** A first session applies `before`; the next one (manifests changed) applies `after`. */
  async function twoSessions(before: KubeObject[], after: KubeObject[], between?: (client: FakeKubeClient) => void) {
    const client = new FakeKubeClient();
    expect((await deployer(client, before).deployer.apply(['web'], images('web'))).ok).toBe(true);
    between?.(client);
    const next = deployer(client, after);
    const deletesBefore = client.calls.filter((c) => c.method === 'delete').length;
    expect(await next.deployer.apply(['web'], images('web'))).toEqual({ ok: true, value: undefined });
    const deletes = () =>
      client.calls
        .filter((c) => c.method === 'delete')
        .slice(deletesBefore)
        .map((c) => (c.args as { name: string }).name);
    return { client, ...next, deletes };
  }

  it('removes what devloop applied that the manifests no longer have, says so, and forgets it', async () => {
    const {
      client,
      deployer: d,
      notices,
      deletes,
    } = await twoSessions(
      [workload('web'), configMap('kept'), configMap('old'), configMap('elsewhere', 'other'), object('v1', 'Namespace', 'other')],
      [workload('web'), configMap('kept')],
      (c) => c.put(configMap('not-ours', 'dev')),
    );
    expect(deletes()).toEqual(['elsewhere', 'old', 'other']);
    expect(notices).toEqual([
      'removed ConfigMap/elsewhere (namespace other): no longer in the manifests',
      'removed ConfigMap/old (namespace dev): no longer in the manifests',
      'removed Namespace/other: no longer in the manifests',
    ]);
    expect(stored(client)).toEqual(['ConfigMap/dev/kept', 'ConfigMap/dev/not-ours', 'Deployment/dev/web', 'Namespace//dev']);
    expect(await inventory(client)).toEqual(['ConfigMap/dev/kept', 'Deployment/dev/web']);
    // Only the first apply of a session looks.
    const stray = markManaged(configMap('stray', 'dev'), '/p');
    client.put(stray);
    await recordApplied(client, { rootDir: '/p', namespace: 'dev', refs: [refOf(stray)] });
    expect((await d.apply(['web'], images('web'))).ok).toBe(true);
    expect(client.calls.filter((c) => c.method === 'delete')).toHaveLength(3);
  });

  it('leaves an object someone took over, and one the manifests moved to a newer apiVersion', async () => {
    const hpa = (version: string) => object(`autoscaling/${version}`, 'HorizontalPodAutoscaler', 'web');
    const { client, notices, deletes } = await twoSessions(
      [workload('web'), configMap('taken'), hpa('v1')],
      [workload('web'), hpa('v2')],
      (c) => c.put(configMap('taken', 'dev')),
    );
    expect(deletes()).toEqual([]);
    expect(notices).toEqual([
      "left ConfigMap/taken (namespace dev) alone: no longer in the manifests, and no longer labelled as this project's",
    ]);
    expect(stored(client)).toContain('ConfigMap/dev/taken');
    expect(await inventory(client)).toEqual(['Deployment/dev/web', 'HorizontalPodAutoscaler/dev/web', 'HorizontalPodAutoscaler/dev/web']);
  });

  it('keeps a namespace or CRD the remaining objects still need, and lets go of the configured namespace', async () => {
    const { client, notices, deletes } = await twoSessions(
      [
        object('v1', 'Namespace', 'dev'),
        object('v1', 'Namespace', 'other'),
        crd('Widget', 'Namespaced'),
        workload('web'),
        object('example.dev/v1', 'Widget', 'w', 'other'),
      ],
      [workload('web'), object('example.dev/v1', 'Widget', 'w', 'other')],
    );
    expect(deletes()).toEqual([]);
    expect(notices).toEqual([
      'kept Namespace/other: no longer in the manifests, but Widget/w (namespace other) of the manifests lives in it',
      'kept CustomResourceDefinition/widgets.example.dev: no longer in the manifests, but Widget/w (namespace other) of the manifests is of its kind',
      'kept Namespace/dev: no longer in the manifests, but it is the configured namespace (devloop down leaves it now)',
    ]);
    expect(await inventory(client)).not.toContain('Namespace//dev');
    expect(stored(client)).toContain('Widget/other/w');
  });

  it('removes a custom object before its CRD, and down removes the rest across namespaces', async () => {
    const all = [
      object('v1', 'Namespace', 'other'),
      crd('Widget', 'Namespaced'),
      workload('web'),
      object('example.dev/v1', 'Widget', 'a'),
      object('example.dev/v1', 'Widget', 'b', 'other'),
      configMap('c', 'other'),
    ];
    const { client, deletes } = await twoSessions(all, [workload('web'), configMap('c', 'other'), object('v1', 'Namespace', 'other')]);
    expect(deletes()).toEqual(['b', 'a', 'widgets.example.dev']);
    const down = await teardown(client, { rootDir: '/p', namespace: 'dev' });
    expect(down.ok && down.value.deleted.map((r) => `${r.kind}/${r.name}`)).toEqual(['Deployment/web', 'ConfigMap/c', 'Namespace/other']);
    expect(stored(client)).toEqual(['Namespace//dev']);
  });
});
