import { describe, expect, it } from 'vitest';
import { k3dClusterListJson, k3dRegistryListJson, k3dVersionText } from '../../test/fixtures/deliver/k3d-json.ts';
import { FakeRunner } from '../system/fake-runner.ts';
import { discoverCluster, pickRegistry } from './cluster-discovery.ts';
import { FakeConfigMapReader } from './fake-config-map-reader.ts';
import { FakeRegistryClient } from './fake-registry-client.ts';
import { K3dCli } from './k3d-cli.ts';

const hostingYaml = (host: string, pull: string) =>
  `host: "${host}"\nhostFromContainerRuntime: "${pull}"\nhostFromClusterNetwork: "${pull}"\nhelp: "https://k3d.io"\n`;

function k3dRunner(): FakeRunner {
  return new FakeRunner()
    .on('k3d version', { stdout: k3dVersionText })
    .on('k3d cluster', { stdout: k3dClusterListJson })
    .on('k3d registry', { stdout: k3dRegistryListJson });
}

describe('discoverCluster', () => {
  it('combines the context, the ConfigMap and k3d', async () => {
    const configMaps = new FakeConfigMapReader().set('kube-public', 'local-registry-hosting', {
      'localRegistryHosting.v1': hostingYaml('localhost:5111', 'k3d-registry.localhost:5000'),
    });
    const registryClient = new FakeRegistryClient();
    const info = await discoverCluster({
      context: { name: 'k3d-dev', server: 'https://0.0.0.0:6550' },
      configMaps,
      k3d: new K3dCli({ runner: k3dRunner() }),
      registryClient,
    });
    expect(info.clusterName).toBe('dev');
    expect(info.k3d).toEqual({ installed: true, version: 'v5.8.3', error: undefined });
    expect(info.cluster?.serversRunning).toBe(1);
    expect(info.knownClusters).toEqual(['dev', 'other']);
    expect(info.registry).toEqual({
      pushHost: 'localhost:5111',
      pullHost: 'k3d-registry.localhost:5000',
      source: 'configmap',
      k3dRegistry: { name: 'k3d-registry.localhost', running: true },
      probe: { ok: true },
      help: 'https://k3d.io',
    });
    expect(info.notes).toEqual([]);
    expect(registryClient.calls).toEqual(['ping localhost:5111']);
  });

  it('asks k3d nothing when told to and the cluster names its registry, and asks it when the cluster does not', async () => {
    const configMaps = new FakeConfigMapReader().set('kube-public', 'local-registry-hosting', {
      'localRegistryHosting.v1': hostingYaml('localhost:5111', 'k3d-registry.localhost:5000'),
    });
    const runner = k3dRunner();
    const hosted = await discoverCluster({
      context: { name: 'k3d-dev', server: undefined },
      configMaps,
      k3d: new K3dCli({ runner }),
      k3dOnlyWithoutRegistry: true,
    });
    expect(hosted.registry).toMatchObject({ pushHost: 'localhost:5111', pullHost: 'k3d-registry.localhost:5000', source: 'configmap' });
    expect(runner.calls).toEqual([]);
    const bare = await discoverCluster({
      context: { name: 'k3d-dev', server: undefined },
      configMaps: new FakeConfigMapReader(),
      k3d: new K3dCli({ runner }),
      k3dOnlyWithoutRegistry: true,
    });
    expect(bare.knownClusters).toEqual(['dev', 'other']);
    expect(runner.calls.map((c) => `${c.command} ${c.args[0]}`).sort()).toEqual(['k3d cluster', 'k3d registry', 'k3d version']);
  });

  it('falls back to the k3d registry of the cluster when there is no ConfigMap', async () => {
    const info = await discoverCluster({
      context: { name: 'k3d-dev', server: undefined },
      configMaps: new FakeConfigMapReader(),
      k3d: new K3dCli({ runner: k3dRunner() }),
    });
    expect(info.registry).toMatchObject({ pushHost: 'localhost:5111', pullHost: 'k3d-registry.localhost:5000', source: 'k3d' });
  });

  it('reports k3d missing and an unreadable ConfigMap without failing', async () => {
    const configMaps = new FakeConfigMapReader();
    configMaps.failure = 'forbidden';
    const info = await discoverCluster({
      context: { name: 'k3d-dev', server: undefined },
      configMaps,
      k3d: new K3dCli({ runner: new FakeRunner() }),
    });
    expect(info.k3d).toEqual({ installed: false });
    expect(info.cluster).toBeUndefined();
    expect(info.registry).toBeUndefined();
    expect(info.notes[0]).toContain('forbidden');
  });

  it('records a failed probe of a stale ConfigMap', async () => {
    const configMaps = new FakeConfigMapReader().set('kube-public', 'local-registry-hosting', {
      'localRegistryHosting.v1': hostingYaml('localhost:5999', 'gone:5000'),
    });
    const registryClient = new FakeRegistryClient();
    registryClient.failure = { reason: 'registry-unreachable', host: 'localhost:5999', detail: 'connection refused' };
    const info = await discoverCluster({
      context: { name: 'k3d-dev', server: undefined },
      configMaps,
      k3d: new K3dCli({ runner: k3dRunner() }),
      registryClient,
    });
    expect(info.registry?.probe).toEqual({ ok: false, failure: registryClient.failure });
    expect(info.registry?.k3dRegistry).toBeUndefined();
  });
});

describe('pickRegistry', () => {
  const hosting = {
    host: 'localhost:5000',
    hostFromContainerRuntime: 'k3d-registry.localhost:5000',
    hostFromClusterNetwork: 'k3d-registry.localhost:5000',
    help: undefined,
  };

  it('lets the configured host win and keeps the ConfigMap pull name when they agree', () => {
    expect(pickRegistry({ configured: 'localhost:5000', hosting, registries: [], clusterName: 'dev' })).toMatchObject({
      pushHost: 'localhost:5000',
      pullHost: 'k3d-registry.localhost:5000',
      source: 'config',
    });
  });

  it('derives the pull name of a configured k3d registry from its container name or port', () => {
    const registries = [{ name: 'k3d-registry.localhost', running: true, cluster: 'dev', hostPort: '5111', hostIp: '0.0.0.0' }];
    expect(pickRegistry({ configured: 'k3d-registry.localhost:5111', hosting: undefined, registries, clusterName: 'dev' })).toMatchObject({
      pullHost: 'k3d-registry.localhost:5000',
    });
    expect(pickRegistry({ configured: 'localhost:5111', hosting: undefined, registries, clusterName: 'dev' })).toMatchObject({
      pullHost: 'k3d-registry.localhost:5000',
    });
    expect(pickRegistry({ configured: 'ghcr.io/team', hosting: undefined, registries, clusterName: 'dev' })).toMatchObject({
      pushHost: 'ghcr.io/team',
      pullHost: 'ghcr.io/team',
    });
  });

  it('finds nothing when nothing names a registry', () => {
    expect(pickRegistry({ configured: undefined, hosting: undefined, registries: [], clusterName: 'dev' })).toBeUndefined();
  });
});
