import { describe, expect, it } from 'vitest';
import { chooseDelivery, type ImageToDeliver } from './choose-delivery.ts';
import type { ClusterInfo, RegistryInfo } from './cluster-discovery.ts';
import type { ContextVerdict } from './local-context.ts';

const local: ContextVerdict = { kind: 'local', endpoints: [{ role: 'server', kind: 'loopback-address', host: '127.0.0.1' }] };
const api: ImageToDeliver = { name: 'api', localRef: 'api:3f9a1c2e', repository: 'api', tag: '3f9a1c2e' };
const registry: RegistryInfo = {
  pushHost: 'localhost:5000',
  pullHost: 'k3d-registry.localhost:5000',
  source: 'configmap',
  k3dRegistry: undefined,
  probe: undefined,
  help: undefined,
};

function cluster(over: Partial<ClusterInfo> = {}): ClusterInfo {
  return {
    context: { name: 'k3d-dev', server: 'https://127.0.0.1:6443' },
    clusterName: 'dev',
    k3d: { installed: true, version: 'v5.8.3', error: undefined },
    cluster: {
      name: 'dev',
      serversCount: 1,
      serversRunning: 1,
      agentsCount: 1,
      agentsRunning: 1,
      nodes: [
        { name: 'k3d-dev-server-0', role: 'server', running: true },
        { name: 'k3d-dev-agent-0', role: 'agent', running: true },
        { name: 'k3d-dev-serverlb', role: 'loadbalancer', running: true },
      ],
    },
    knownClusters: ['dev'],
    registry,
    notes: [],
    ...over,
  };
}

describe('chooseDelivery', () => {
  it('auto: pushes to the registry, manifests get the runtime-side name', () => {
    const plan = chooseDelivery({ mode: 'auto', verdict: local, cluster: cluster(), images: [api] });
    expect(plan.ok && plan.value.route).toEqual({
      mode: 'registry',
      pushHost: 'localhost:5000',
      pullHost: 'k3d-registry.localhost:5000',
      remote: false,
    });
    expect(plan.ok && plan.value.images[0]).toEqual({
      image: api,
      mode: 'registry',
      pushRef: 'localhost:5000/api:3f9a1c2e',
      deployRef: 'k3d-registry.localhost:5000/api:3f9a1c2e',
      imagePullPolicy: 'IfNotPresent',
    });
  });

  it('auto without a registry: imports into every server and agent, deploying the local tag', () => {
    const plan = chooseDelivery({ mode: 'auto', verdict: local, cluster: cluster({ registry: undefined }), images: [api] });
    expect(plan.ok && plan.value.route).toEqual({ mode: 'import', cluster: 'dev', nodes: ['k3d-dev-server-0', 'k3d-dev-agent-0'] });
    expect(plan.ok && plan.value.images[0]).toMatchObject({
      mode: 'import',
      pushRef: undefined,
      deployRef: 'api:3f9a1c2e',
      imagePullPolicy: 'IfNotPresent',
    });
    expect(plan.ok && plan.value.why).toContain('no registry');
  });

  it('import when asked, even with a registry', () => {
    const plan = chooseDelivery({ mode: 'import', verdict: local, cluster: cluster(), images: [api] });
    expect(plan.ok && plan.value.route.mode).toBe('import');
  });

  it('registry when asked but none exists is an error', () => {
    expect(chooseDelivery({ mode: 'registry', verdict: local, cluster: cluster({ registry: undefined }), images: [api] })).toEqual({
      ok: false,
      error: { reason: 'registry-missing', cluster: 'dev' },
    });
  });

  it('import needs k3d and a known, running cluster', () => {
    const noRegistry = { registry: undefined };
    expect(
      chooseDelivery({
        mode: 'auto',
        verdict: local,
        cluster: cluster({ ...noRegistry, k3d: { installed: false }, cluster: undefined }),
        images: [api],
      }),
    ).toEqual({
      ok: false,
      error: { reason: 'k3d-not-installed' },
    });
    expect(
      chooseDelivery({ mode: 'import', verdict: local, cluster: cluster({ cluster: undefined, knownClusters: ['devx'] }), images: [api] }),
    ).toEqual({ ok: false, error: { reason: 'cluster-not-found', cluster: 'dev', known: ['devx'] } });
    const stopped = cluster();
    const c = stopped.cluster;
    if (!c) throw new Error('fixture');
    expect(
      chooseDelivery({ mode: 'auto', verdict: local, cluster: { ...stopped, cluster: { ...c, serversRunning: 0 } }, images: [api] }),
    ).toEqual({
      ok: false,
      error: { reason: 'cluster-stopped', cluster: 'dev', serversRunning: 0, serversCount: 1 },
    });
  });

  it('never delivers a latest tag', () => {
    const latest = { ...api, tag: 'latest' };
    expect(chooseDelivery({ mode: 'auto', verdict: local, cluster: cluster(), images: [latest] })).toEqual({
      ok: false,
      error: { reason: 'latest-tag', image: 'api:3f9a1c2e' },
    });
    const untagged = { ...api, localRef: 'api' };
    expect(chooseDelivery({ mode: 'import', verdict: local, cluster: cluster(), images: [untagged] })).toEqual({
      ok: false,
      error: { reason: 'latest-tag', image: 'api' },
    });
  });

  it('a non-local allowed context only takes a configured registry', () => {
    const remote = cluster({ context: { name: 'staging', server: 'https://10.0.0.1' }, clusterName: undefined, cluster: undefined });
    const allowed: ContextVerdict = { kind: 'allowed', remote: { role: 'server', kind: 'remote-address', host: '10.0.0.1' } };
    expect(chooseDelivery({ mode: 'auto', verdict: allowed, cluster: remote, images: [api] })).toEqual({
      ok: false,
      error: { reason: 'remote-registry-missing', context: 'staging' },
    });
    const configured = {
      ...remote,
      registry: { ...registry, pushHost: 'ghcr.io/team', pullHost: 'ghcr.io/team', source: 'config' as const },
    };
    const plan = chooseDelivery({ mode: 'auto', verdict: allowed, cluster: configured, images: [api] });
    expect(plan.ok && plan.value.route).toEqual({ mode: 'registry', pushHost: 'ghcr.io/team', pullHost: 'ghcr.io/team', remote: true });
    expect(plan.ok && plan.value.images[0]?.deployRef).toBe('ghcr.io/team/api:3f9a1c2e');
  });
});
