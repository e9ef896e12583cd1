import { describe, expect, it } from 'vitest';
import { ok } from '../core/result.ts';
import { FakeRegistryClient } from '../deliver/fake-registry-client.ts';
import type { K3dCluster } from '../deliver/k3d-cli.ts';
import { FakeKubeClient } from '../k8s/fake-kube-client.ts';
import { clusterStatus } from './cluster-status.ts';
import type { K3dState } from './k3d-cluster.ts';

const target = { name: 'dev', registry: { name: 'k3d-registry.localhost', port: 5000 } };
const cluster = (running: number): K3dCluster => ({
  name: 'dev',
  serversCount: 1,
  serversRunning: running,
  agentsCount: 0,
  agentsRunning: 0,
  nodes: [],
});
const registry = { name: 'k3d-registry.localhost', running: true, cluster: 'dev', hostPort: '5111', hostIp: '0.0.0.0' };

async function status(state: Partial<K3dState>, registryClient = new FakeRegistryClient()) {
  const client = new FakeKubeClient();
  client.put({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'k3d-dev-server-0' } });
  const checked = await clusterStatus({
    driver: { state: async () => ok({ version: 'v5.8.3', cluster: undefined, registry: undefined, otherClusters: [], ...state }) },
    connect: async () => ok(client),
    registryClient,
    target,
  });
  if (!checked.ok) throw new Error('k3d failed');
  return checked.value;
}

describe('clusterStatus', () => {
  it('is healthy when the cluster runs, its API lists nodes and its registry answers', async () => {
    const registryClient = new FakeRegistryClient();
    const s = await status({ cluster: cluster(1), registry }, registryClient);
    expect(s.healthy).toBe(true);
    expect(registryClient.calls).toEqual(['ping localhost:5111']);
    expect(s.report).toMatchObject({ exists: true, running: true, servers: '1/1', api: { ok: true, detail: '1 node(s)' } });
    expect(s.lines).toEqual([
      { state: 'ok', text: 'cluster dev: servers 1/1, agents 0/0' },
      { state: 'ok', text: 'API through k3d-dev: 1 node(s)' },
      { state: 'ok', text: 'registry k3d-registry.localhost on localhost:5111: answers /v2/' },
    ]);
  });

  it('says how to start a stopped cluster, and does not ask its API', async () => {
    const s = await status({ cluster: cluster(0) });
    expect(s.healthy).toBe(false);
    expect(s.lines[0]).toEqual({
      state: 'failed',
      text: 'cluster dev: servers 0/1, agents 0/0',
      fix: 'k3d cluster start dev  (or devloop cluster create)',
    });
    expect(s.lines[1]).toEqual({ state: 'failed', text: 'API through k3d-dev: not checked' });
    expect(s.lines[2]).toEqual({
      state: 'absent',
      text: 'registry k3d-registry.localhost: k3d does not know it; devloop delivers with k3d image import',
    });
  });

  it('says to create a cluster that does not exist, naming the ones k3d has', async () => {
    const s = await status({ otherClusters: ['other'] });
    expect(s.report).toMatchObject({ exists: false, servers: null, registry: null });
    expect(s.lines).toEqual([{ state: 'failed', text: 'cluster dev does not exist (k3d has: other)', fix: 'devloop cluster create' }]);
  });

  it('is not healthy when the registry does not answer, and says why', async () => {
    const registryClient = new FakeRegistryClient();
    registryClient.failure = { reason: 'registry-unreachable', host: 'localhost:5111', detail: 'connection refused' };
    const s = await status({ cluster: cluster(1), registry }, registryClient);
    expect(s.healthy).toBe(false);
    expect(s.report.registry).toEqual({ name: 'k3d-registry.localhost', running: true, hostPort: '5111', reachable: false });
    expect(s.lines.at(-1)).toEqual({ state: 'failed', text: 'registry k3d-registry.localhost on localhost:5111: connection refused' });
  });
});
