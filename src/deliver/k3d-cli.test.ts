import { describe, expect, it } from 'vitest';
import { k3dClusterListJson, k3dRegistryListJson, k3dVersionText } from '../../test/fixtures/deliver/k3d-json.ts';
import { FakeRunner } from '../system/fake-runner.ts';
import { imageNodes, K3dCli } from './k3d-cli.ts';

describe('K3dCli', () => {
  it('parses clusters with their nodes and counts', async () => {
    const runner = new FakeRunner().on('k3d cluster', { stdout: k3dClusterListJson });
    const clusters = await new K3dCli({ runner }).clusters();
    expect(clusters.ok).toBe(true);
    if (!clusters.ok) return;
    const [dev, other] = clusters.value;
    expect(dev).toMatchObject({ name: 'dev', serversCount: 1, serversRunning: 1, agentsCount: 2, agentsRunning: 2 });
    expect(dev && imageNodes(dev).map((n) => n.name)).toEqual(['k3d-dev-server-0', 'k3d-dev-agent-0', 'k3d-dev-agent-1']);
    expect(other).toMatchObject({ name: 'other', serversRunning: 0 });
    expect(runner.calls[0]?.args).toEqual(['cluster', 'list', '-o', 'json']);
  });

  it('counts from nodes when the totals are missing', async () => {
    const runner = new FakeRunner().on('k3d cluster', {
      stdout: JSON.stringify([{ name: 'x', nodes: [{ name: 'k3d-x-server-0', role: 'server', State: { Running: false } }] }]),
    });
    const clusters = await new K3dCli({ runner }).clusters();
    expect(clusters.ok && clusters.value[0]).toMatchObject({ serversCount: 1, serversRunning: 0, agentsCount: 0 });
  });

  it('parses registries with their host port and cluster label', async () => {
    const runner = new FakeRunner().on('k3d registry', { stdout: k3dRegistryListJson });
    const registries = await new K3dCli({ runner }).registries();
    expect(registries).toEqual({
      ok: true,
      value: [{ name: 'k3d-registry.localhost', running: true, cluster: 'dev', hostPort: '5111', hostIp: '0.0.0.0' }],
    });
  });

  it('reads the version', async () => {
    const runner = new FakeRunner().on('k3d version', { stdout: k3dVersionText });
    expect(await new K3dCli({ runner }).version()).toEqual({ ok: true, value: 'v5.8.3' });
  });

  it('tells a missing k3d from a failing one', async () => {
    expect(await new K3dCli({ runner: new FakeRunner() }).clusters()).toEqual({ ok: false, error: { reason: 'k3d-not-installed' } });
    const failing = new FakeRunner().on('k3d', { exitCode: 1, stderr: 'FATA[0000] docker not reachable' });
    expect(await new K3dCli({ runner: failing }).clusters()).toEqual({
      ok: false,
      error: { reason: 'k3d-failed', detail: 'FATA[0000] docker not reachable' },
    });
    const garbage = new FakeRunner().on('k3d', { stdout: 'not json' });
    const result = await new K3dCli({ runner: garbage }).registries();
    expect(!result.ok && result.error.reason).toBe('k3d-failed');
  });
});
