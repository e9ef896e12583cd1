import { afterEach, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/exit-code.ts';
import { applyObjects } from '../../src/k8s/inventory.ts';
import type { NodeKubeClient } from '../../src/k8s/node-kube-client.ts';
import { clusterClient, createNamespace, deleteNamespace, runDownOn } from '../fixtures/k8s/cluster-rig.ts';
import { describeWithCluster } from '../support/environment.ts';

describeWithCluster('k8s: devloop down on the test cluster', (env) => {
  let client: NodeKubeClient;
  let namespace = '';

  afterEach(async () => {
    if (namespace) await deleteNamespace(client, namespace);
  });

  it('deletes what devloop applied and nothing else', async () => {
    client = await clusterClient(env);
    namespace = await createNamespace(client, 'devloop-it-down');
    const rootDir = `/it/down/${namespace}`;
    const cm = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: { a: '1' } });
    const applied = await applyObjects(client, { rootDir, namespace, objects: [cm('ours-1'), cm('ours-2')] });
    expect(applied.ok && applied.value.applied.length).toBe(2);
    // Someone else's object in the same namespace, and one of ours taken over by a plain apply without our label.
    await client.apply(cm('theirs'));
    const down = () => runDownOn(env, { rootDir, namespace });
    const first = await down();
    expect(first.code).toBe(ExitCode.ok);
    const left = await client.list({ apiVersion: 'v1', kind: 'ConfigMap', namespace });
    expect(
      left.ok &&
        left.value
          .map((o) => o.metadata.name)
          .filter((n) => n !== 'kube-root-ca.crt')
          .sort(),
    ).toEqual(['theirs']);
    expect(first.output).toContain('2 deleted');
    const again = await down();
    expect(again.code).toBe(ExitCode.ok);
    expect(again.output).toContain('nothing to delete');
  });
});
