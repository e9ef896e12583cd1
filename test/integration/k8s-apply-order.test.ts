import { afterEach, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/exit-code.ts';
import { readInventory } from '../../src/k8s/inventory.ts';
import { KubeDeployer } from '../../src/k8s/kube-deployer.ts';
import type { KubeObject, ObjectRef } from '../../src/k8s/kube-types.ts';
import { loadManifests } from '../../src/k8s/manifests.ts';
import type { NodeKubeClient } from '../../src/k8s/node-kube-client.ts';
import type { WorkloadSettings } from '../../src/k8s/resource-workload.ts';
import { NodeFileSystem } from '../../src/system/node-file-system.ts';
import { clusterClient, deleteNamespace, runDownOn } from '../fixtures/k8s/cluster-rig.ts';
import { describeWithCluster } from '../support/environment.ts';
import { type TempProject, tempProject } from '../support/temp-project.ts';

/**
 * The deployer on the test cluster, with manifests read from YAML files as a
 * session reads them: a CRD and its objects, objects in two namespaces, a
 * custom object of a CRD installed beforehand; then an object removed from
 * the manifests, a custom object without CRD, and `devloop down`.
 */
describeWithCluster('k8s: apply order, namespaces, CRDs and removal on the test cluster', (env) => {
  let client: NodeKubeClient;
  let project: TempProject | undefined;
  const cleanup: ObjectRef[] = [];

  afterEach(async () => {
    for (const ref of cleanup.splice(0)) {
      if (ref.kind === 'Namespace') await deleteNamespace(client, ref.name);
      else await client.delete(ref);
    }
    project?.remove();
  });

  it('applies a CRD before its objects in two namespaces, removes what the manifests drop, and down removes the rest', async () => {
    client = await clusterClient(env);
    const id = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    const main = `devloop-it-apply-${id}`;
    const other = `devloop-it-apply-other-${id}`;
    const group = `it${id}.devloop.dev`;
    // A cluster-scoped CRD someone installed before: its objects must not get a namespace.
    const installed = `pools.${group}`;
    cleanup.push(
      { apiVersion: 'v1', kind: 'Namespace', name: main },
      { apiVersion: 'v1', kind: 'Namespace', name: other },
      { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: installed },
      { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: `widgets.${group}` },
    );
    expect((await client.apply(crd(group, 'Pool', 'Cluster'))).ok).toBe(true);

    project = tempProject();
    const write = (files: Record<string, string>) => {
      for (const [file, text] of Object.entries(files)) project?.write(file, text);
    };
    const widget = (name: string, namespace?: string) =>
      yaml({ apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name, ...(namespace ? { namespace } : {}) }, spec: { size: 1 } });
    const configMap = (name: string, namespace?: string) =>
      yaml({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...(namespace ? { namespace } : {}) }, data: { a: '1' } });
    // Custom objects first and the CRD last in the files: the order of the manifests must not matter.
    write({
      'k8s/a-widgets.yaml': [widget('here'), widget('there', other)].join('---\n'),
      'k8s/b-config.yaml': [configMap('settings'), configMap('old'), configMap('elsewhere', other)].join('---\n'),
      'k8s/c-pool.yaml': yaml({ apiVersion: `${group}/v1`, kind: 'Pool', metadata: { name: `pool-${id}`, namespace: main } }),
      'k8s/d-app.yaml': yaml(deployment('web')),
      'k8s/e-namespace.yaml': yaml({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: other } }),
      'k8s/f-crd.yaml': yaml(crd(group, 'Widget', 'Namespaced')),
    });
    const settings: WorkloadSettings = {
      rootDir: project.dir,
      manifests: ['k8s/*.yaml'],
      cluster: { namespace: main },
      images: {},
      resources: { web: { workload: { kind: 'Deployment', name: 'web' }, containers: {}, portForwards: [] } },
    };
    const session = async () => {
      const loaded = await loadManifests(new NodeFileSystem(), { rootDir: project?.dir ?? '', patterns: ['k8s/*.yaml'] });
      expect(loaded.diagnostics).toEqual([]);
      const notices: string[] = [];
      const deployer = new KubeDeployer({
        client,
        config: settings,
        objects: loaded.objects.map((m) => m.object),
        importedImages: new Set(),
        files: new Map(loaded.objects.map((m) => [m.object, m.file])),
        notice: (m) => notices.push(m),
      });
      return { deployer, notices };
    };
    const exists = async (ref: ObjectRef) => {
      const got = await client.get(ref);
      if (!got.ok) throw new Error(JSON.stringify(got.error));
      return got.value !== undefined && !got.value.metadata.deletionTimestamp;
    };
    const widgetRef = (name: string, namespace: string) => ({ apiVersion: `${group}/v1`, kind: 'Widget', name, namespace });
    const cmRef = (name: string, namespace: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', name, namespace });

    const first = await session();
    expect(await first.deployer.apply(['web'], new Map())).toEqual({ ok: true, value: undefined });
    expect(await exists(widgetRef('here', main))).toBe(true);
    expect(await exists(widgetRef('there', other))).toBe(true);
    expect(await exists(cmRef('settings', main))).toBe(true);
    expect(await exists(cmRef('elsewhere', other))).toBe(true);
    const pool = await client.get({ apiVersion: `${group}/v1`, kind: 'Pool', name: `pool-${id}` });
    expect(pool.ok && pool.value?.metadata.namespace).toBeUndefined();
    expect(pool.ok && pool.value?.metadata.name).toBe(`pool-${id}`);
    expect(first.notices).toEqual([]);

    // The manifests drop one ConfigMap and one custom object: the next session removes them, and only them.
    write({
      'k8s/a-widgets.yaml': widget('here'),
      'k8s/b-config.yaml': [configMap('settings'), configMap('elsewhere', other)].join('---\n'),
    });
    const second = await session();
    expect(await second.deployer.apply(['web'], new Map())).toEqual({ ok: true, value: undefined });
    expect(second.notices.sort()).toEqual([
      `removed ConfigMap/old (namespace ${main}): no longer in the manifests`,
      `removed Widget/there (namespace ${other}): no longer in the manifests`,
    ]);
    expect(await exists(cmRef('old', main))).toBe(false);
    expect(await exists(widgetRef('there', other))).toBe(false);
    expect(await exists(widgetRef('here', main))).toBe(true);
    expect(await exists(cmRef('elsewhere', other))).toBe(true);
    const inventory = await readInventory(client, { rootDir: project.dir, namespace: main });
    expect(inventory.ok && inventory.value.map((r) => r.name)).not.toContain('old');

    // A custom object whose CRD is nowhere: nothing is applied, and the problem names it.
    write({ 'k8s/g-gizmo.yaml': yaml({ apiVersion: `nothing${id}.devloop.dev/v1`, kind: 'Gizmo', metadata: { name: 'g' } }) });
    const third = await session();
    const missing = await third.deployer.apply(['web'], new Map());
    expect(!missing.ok && missing.error).toEqual({
      stage: 'deploy',
      reason: 'crd-missing',
      message: `Gizmo g (k8s/g-gizmo.yaml): no CustomResourceDefinition serves kind Gizmo in nothing${id}.devloop.dev/v1`,
      fix: 'add the CRD to the manifests or install it first',
    });
    expect(await exists({ apiVersion: `nothing${id}.devloop.dev/v1`, kind: 'Gizmo', name: 'g', namespace: main })).toBe(false);

    // down removes what was applied, across both namespaces, the CRD and the namespace the manifests declare.
    const down = await runDownOn(env, { rootDir: project.dir, namespace: main });
    expect(down.code, down.output).toBe(ExitCode.ok);
    for (const ref of [
      widgetRef('here', main),
      cmRef('settings', main),
      cmRef('elsewhere', other),
      { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: main },
      { apiVersion: `${group}/v1`, kind: 'Pool', name: `pool-${id}` },
      { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: `widgets.${group}` },
      { apiVersion: 'v1', kind: 'Namespace', name: other },
    ]) {
      expect(await exists(ref), `${ref.kind}/${ref.name}`).toBe(false);
    }
    // What devloop did not apply stays: the configured namespace it only created, the CRD installed beforehand.
    expect(await exists({ apiVersion: 'v1', kind: 'Namespace', name: main })).toBe(true);
    expect(await exists({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: installed })).toBe(true);
    expect(down.output).toContain('7 deleted');
  });
});

function crd(group: string, kind: string, scope: 'Namespaced' | 'Cluster'): KubeObject {
  const plural = `${kind.toLowerCase()}s`;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope,
      names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } },
          },
        },
      ],
    },
  };
}

function deployment(name: string): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      // No pod: this test is about the objects, not the rollout.
      replicas: 0,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'busybox:latest' }] } },
    },
  };
}

/** JSON is YAML: one document. */
function yaml(object: unknown): string {
  return `${JSON.stringify(object)}\n`;
}
