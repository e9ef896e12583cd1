import { describe, expect, it } from 'vitest';
import { FakeKubeClient } from './fake-kube-client.ts';
import type { KubeObject } from './kube-types.ts';
import { type LiveChange, watchWorkload } from './workload-drift.ts';

const deployment = (image: string, ready: number): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'dev' },
  spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { spec: { containers: [{ name: 'app', image }] } } },
  status: { readyReplicas: ready },
});
const pod = (name: string, image: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'dev', labels: { app: 'web' } },
  spec: { containers: [{ name: 'app', image }] },
});
const tick = () => new Promise((r) => setTimeout(r, 5));

describe('watchWorkload', () => {
  const start = (client: FakeKubeClient, readyPods?: string[]) => {
    const changes: LiveChange[] = [];
    const handle = watchWorkload({
      client,
      namespace: 'dev',
      name: 'web',
      labelSelector: 'app=web',
      expected: new Map([['app', 'reg/web:devloop-1']]),
      ...(readyPods ? { readyPods } : {}),
      onChange: (c) => changes.push(c),
    });
    return { changes, handle };
  };

  it('reports a pod of the deployed version deleted by hand and the ready count dropping and coming back', async () => {
    const client = new FakeKubeClient();
    client.put(deployment('reg/web:devloop-1', 1));
    client.put(pod('web-a', 'reg/web:devloop-1'));
    const { changes, handle } = start(client);
    await tick();
    expect(changes).toEqual([]);
    client.remove({ apiVersion: 'v1', kind: 'Pod', name: 'web-a', namespace: 'dev' });
    client.put(deployment('reg/web:devloop-1', 0));
    client.put(deployment('reg/web:devloop-1', 1));
    await tick();
    expect(changes).toEqual([
      { kind: 'pod-deleted', pod: 'web-a' },
      { kind: 'replicas', ready: 0, wanted: 1 },
      { kind: 'replicas', ready: 1, wanted: 1 },
    ]);
    handle.stop();
  });

  it('reports a deletion when it starts (deletionTimestamp), not after the grace period, and once', async () => {
    const client = new FakeKubeClient();
    client.put(deployment('reg/web:devloop-1', 1));
    client.put(pod('web-a', 'reg/web:devloop-1'));
    const { changes, handle } = start(client);
    await tick();
    const terminating = pod('web-a', 'reg/web:devloop-1');
    client.put({ ...terminating, metadata: { ...terminating.metadata, deletionTimestamp: '2025-01-01T00:00:00Z' } });
    client.remove({ apiVersion: 'v1', kind: 'Pod', name: 'web-a', namespace: 'dev' });
    await tick();
    expect(changes).toEqual([{ kind: 'pod-deleted', pod: 'web-a' }]);
    handle.stop();
  });

  it('reports a ready pod that is terminating or already gone when the watch begins', async () => {
    const client = new FakeKubeClient();
    client.put(deployment('reg/web:devloop-1', 1));
    const terminating = pod('web-a', 'reg/web:devloop-1');
    client.put({ ...terminating, metadata: { ...terminating.metadata, deletionTimestamp: '2025-01-01T00:00:00Z' } });
    client.put(pod('web-c', 'reg/web:devloop-1'));
    const { changes, handle } = start(client, ['web-a', 'web-b']);
    await tick();
    expect(changes).toEqual([
      { kind: 'pod-deleted', pod: 'web-a' },
      { kind: 'pod-deleted', pod: 'web-b' },
    ]);
    client.remove({ apiVersion: 'v1', kind: 'Pod', name: 'web-a', namespace: 'dev' });
    await tick();
    expect(changes).toHaveLength(2);
    handle.stop();
  });

  it('reports an image changed outside devloop once, and not the old pods its rollout removes', async () => {
    const client = new FakeKubeClient();
    client.put(deployment('reg/web:devloop-1', 1));
    client.put(pod('web-a', 'reg/web:devloop-1'));
    const { changes, handle } = start(client);
    await tick();
    client.put(deployment('busybox:1.36', 1));
    client.put(deployment('busybox:1.36', 1));
    client.remove({ apiVersion: 'v1', kind: 'Pod', name: 'web-a', namespace: 'dev' });
    await tick();
    expect(changes).toEqual([{ kind: 'image-changed', container: 'app', expected: 'reg/web:devloop-1', actual: 'busybox:1.36' }]);
    handle.stop();
  });

  it('ignores old-version pods leaving after devloop’s own rollout', async () => {
    const client = new FakeKubeClient();
    client.put(deployment('reg/web:devloop-1', 1));
    client.put(pod('web-old', 'reg/web:devloop-0'));
    const { changes, handle } = start(client);
    await tick();
    client.remove({ apiVersion: 'v1', kind: 'Pod', name: 'web-old', namespace: 'dev' });
    await tick();
    expect(changes).toEqual([]);
    handle.stop();
  });

  it('reports a container that restarted inside its pod once it is ready again', async () => {
    const client = new FakeKubeClient();
    client.put(deployment('reg/web:devloop-1', 1));
    const status = (restartCount: number, ready: boolean) => ({ containerStatuses: [{ name: 'app', restartCount, ready }] });
    client.put({ ...pod('web-a', 'reg/web:devloop-1'), status: status(0, true) });
    const { changes, handle } = start(client);
    await tick();
    client.put({ ...pod('web-a', 'reg/web:devloop-1'), status: status(1, false) });
    await tick();
    expect(changes).toEqual([]);
    client.put({ ...pod('web-a', 'reg/web:devloop-1'), status: status(1, true) });
    client.put({ ...pod('web-a', 'reg/web:devloop-1'), status: status(1, true) });
    await tick();
    expect(changes).toEqual([{ kind: 'container-restarted', pod: 'web-a', container: 'app' }]);
    handle.stop();
  });
});
