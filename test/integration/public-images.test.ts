/**
 * Public images beside a project's own: a StatefulSet of `busybox:1.36` and
 * `debian:bookworm-slim`, named as on Docker Hub, runs on the test cluster.
 * With no Docker Hub here, the node pulls them from the test registry, where
 * `scripts/test-env up` put the images it makes under `library/`
 * (docs/test-environment.md). `imagePullPolicy: Always`, so the pull itself
 * is proved, not an image the node happened to have.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { KubeObject } from '../../src/k8s/kube-types.ts';
import type { NodeKubeClient } from '../../src/k8s/node-kube-client.ts';
import { clusterClient, createNamespace, deleteNamespace } from '../fixtures/k8s/cluster-rig.ts';
import { describeWithCluster } from '../support/environment.ts';

interface ContainerStatus {
  readonly name: string;
  readonly image: string;
  readonly ready: boolean;
  readonly state?: unknown;
}
interface PodStatus {
  readonly phase?: string;
  readonly containerStatuses?: readonly ContainerStatus[];
}

function statefulSet(namespace: string): KubeObject {
  const sleeper = (name: string, image: string) => ({ name, image, imagePullPolicy: 'Always', command: ['sleep', '3600'] });
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'public', namespace },
    spec: {
      replicas: 1,
      serviceName: 'public',
      selector: { matchLabels: { app: 'public' } },
      template: {
        metadata: { labels: { app: 'public' } },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [sleeper('busybox', 'busybox:1.36'), sleeper('debian', 'debian:bookworm-slim')],
        },
      },
    },
  };
}

describeWithCluster('test environment: public docker.io images', (env) => {
  let client: NodeKubeClient;
  let namespace: string;

  beforeAll(async () => {
    client = await clusterClient(env);
    namespace = await createNamespace(client, 'devloop-it-public');
  });

  afterAll(async () => {
    if (namespace) await deleteNamespace(client, namespace);
  });

  it('runs a StatefulSet of busybox:1.36 and debian:bookworm-slim by their public names', async () => {
    const applied = await client.apply(statefulSet(namespace));
    expect(applied.ok, JSON.stringify(applied)).toBe(true);

    let status: PodStatus | undefined;
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      const pod = await client.get({ apiVersion: 'v1', kind: 'Pod', name: 'public-0', namespace });
      status = pod.ok ? (pod.value?.status as PodStatus | undefined) : undefined;
      const containers = status?.containerStatuses ?? [];
      if (status?.phase === 'Running' && containers.length === 2 && containers.every((c) => c.ready)) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    // on a timeout the waiting reasons (ErrImagePull and its message) say why
    const states = (status?.containerStatuses ?? []).map((c) => ({ name: c.name, state: c.state }));
    expect(status?.phase, JSON.stringify(states)).toBe('Running');
    const images = Object.fromEntries((status?.containerStatuses ?? []).map((c) => [c.name, { image: c.image, ready: c.ready }]));
    expect(images).toEqual({
      busybox: { image: 'docker.io/library/busybox:1.36', ready: true },
      debian: { image: 'docker.io/library/debian:bookworm-slim', ready: true },
    });
  });
});
