import { describe, expect, it } from 'vitest';
import { err, ok } from '../core/result.ts';
import type { HostLookup } from '../system/host-lookup.ts';
import { deliveryDiagnostic } from './delivery-error.ts';
import { checkContext, isLoopbackAddress, isLoopbackHost, k3dClusterOfContext, placeUrl } from './local-context.ts';

/** A resolver answering from a table, and recording what it was asked. */
function resolver(table: Record<string, readonly string[]>): HostLookup & { asked: string[] } {
  const asked: string[] = [];
  const lookup = async (host: string) => {
    asked.push(host);
    const addresses = table[host];
    return addresses ? ok(addresses) : err('ENOTFOUND');
  };
  return Object.assign(lookup, { asked });
}

const dns = resolver({
  localhost: ['127.0.0.1', '::1'],
  'api.localhost': ['127.0.0.1'],
  'host.docker.internal': ['127.0.0.1'],
  'rebound.localhost': ['127.0.0.1', '10.87.0.1'],
  'lan.docker.internal': ['192.168.65.254'],
  'cluster.example.com': ['127.0.0.1'],
});

const check = (name: string, server?: string, options: { proxyUrl?: string; allowContexts?: string[] } = {}) =>
  checkContext({
    context: { name, server, proxyUrl: options.proxyUrl },
    allowContexts: options.allowContexts ?? [],
    lookup: dns,
  });

describe('checkContext', () => {
  it.each(['k3d-dev', 'kind-kind', 'minikube', 'docker-desktop', 'rancher-desktop', 'colima', 'orbstack'])(
    'never calls %s local by its name: a remote server is refused',
    async (name) => {
      expect(await check(name, 'https://10.87.0.1:6443')).toEqual({
        ok: false,
        error: { reason: 'context-not-local', context: name, remote: { role: 'server', kind: 'remote-address', host: '10.87.0.1' } },
      });
    },
  );

  it.each([
    ['https://127.0.0.1:6443', 'loopback-address'],
    ['https://127.8.9.10:6443', 'loopback-address'],
    ['https://[::1]:6443', 'loopback-address'],
    ['https://[::ffff:127.0.0.1]:6443', 'loopback-address'],
    ['http://2130706433:6443', 'loopback-address'],
    ['https://0.0.0.0:6550', 'unspecified-address'],
    ['https://[::]:6550', 'unspecified-address'],
    ['unix:///var/run/k8s.sock', 'unix-socket'],
    ['https://localhost:6443', 'loopback-name'],
    ['https://API.localhost.:6443', 'loopback-name'],
    ['https://host.docker.internal:6443', 'loopback-name'],
  ])('accepts any context whose API server is this machine: %s', async (server, kind) => {
    const verdict = await check('my-dev', server);
    expect(verdict.ok && verdict.value).toMatchObject({ kind: 'local', endpoints: [{ role: 'server', kind }] });
  });

  it('resolves localhost-style names now, and refuses one that resolves anywhere but loopback', async () => {
    expect(await check('k3d-dev', 'https://rebound.localhost:6443')).toMatchObject({
      ok: false,
      error: { remote: { kind: 'name-not-loopback', host: 'rebound.localhost', addresses: ['127.0.0.1', '10.87.0.1'] } },
    });
    expect(await check('k3d-dev', 'https://lan.docker.internal:6443')).toMatchObject({ ok: false });
    expect(await check('k3d-dev', 'https://gone.localhost:6443')).toMatchObject({
      ok: false,
      error: { remote: { kind: 'name-unresolved', host: 'gone.localhost', detail: 'ENOTFOUND' } },
    });
  });

  it('does not look up other names at all, even ones that resolve to loopback today', async () => {
    dns.asked.length = 0;
    expect(await check('k3d-dev', 'https://cluster.example.com:6443')).toMatchObject({
      ok: false,
      error: { remote: { kind: 'remote-name', host: 'cluster.example.com' } },
    });
    expect(await check('x', 'https://localhost.example.com')).toMatchObject({ ok: false, error: { remote: { kind: 'remote-name' } } });
    expect(dns.asked).toEqual([]);
  });

  it('makes a context with a proxy-url off this machine remote, even when its server is 127.0.0.1', async () => {
    expect(await check('k3d-dev', 'https://127.0.0.1:6443', { proxyUrl: 'http://10.87.0.1:3128' })).toEqual({
      ok: false,
      error: {
        reason: 'context-not-local',
        context: 'k3d-dev',
        remote: { role: 'proxy-url', kind: 'remote-address', host: '10.87.0.1' },
      },
    });
    expect(await check('k3d-dev', 'https://127.0.0.1:6443', { proxyUrl: 'socks5://proxy.corp:1080' })).toMatchObject({
      ok: false,
      error: { remote: { role: 'proxy-url', kind: 'remote-name', host: 'proxy.corp' } },
    });
    const local = await check('k3d-dev', 'https://127.0.0.1:6443', { proxyUrl: 'http://localhost:3128' });
    expect(local.ok && local.value).toMatchObject({
      kind: 'local',
      endpoints: [
        { role: 'server', kind: 'loopback-address' },
        { role: 'proxy-url', kind: 'loopback-name', host: 'localhost' },
      ],
    });
  });

  it('refuses what it cannot place: no server, not a URL, an unknown scheme', async () => {
    expect(await check('x', undefined)).toMatchObject({ ok: false, error: { remote: { role: 'server', kind: 'missing' } } });
    expect(await check('x', 'not a url')).toMatchObject({ ok: false, error: { remote: { kind: 'not-a-url' } } });
    expect(await check('x', 'ftp://127.0.0.1')).toMatchObject({
      ok: false,
      error: { remote: { kind: 'unsupported-scheme', scheme: 'ftp' } },
    });
  });

  it('refuses a remote context with a message that says why and how to allow it, without the URL', async () => {
    const verdict = await check('gke_prod_europe', 'https://user:hunter2@35.1.2.3/base');
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    const diagnostic = deliveryDiagnostic(verdict.error);
    expect(diagnostic.message).toBe(
      'refusing to use kube context "gke_prod_europe": its API server 35.1.2.3 is not a loopback address, so it is not a local cluster',
    );
    expect(diagnostic.hint).toContain("cluster: { allowContexts: ['gke_prod_europe'] }");
    expect(diagnostic.hint).toContain('devloop.config.ts');
    expect(JSON.stringify(diagnostic)).not.toContain('hunter2');
  });

  it('accepts a remote context named in allowContexts, saying why it is remote', async () => {
    expect(await check('staging', 'https://10.0.0.1', { allowContexts: ['staging'] })).toEqual({
      ok: true,
      value: { kind: 'allowed', remote: { role: 'server', kind: 'remote-address', host: '10.0.0.1' } },
    });
    const local = await check('k3d-dev', 'https://127.0.0.1', { allowContexts: ['k3d-dev'] });
    expect(local.ok && local.value.kind).toBe('local');
  });
});

describe('placeUrl', () => {
  it('needs no network for addresses and leaves localhost-style names to a lookup', () => {
    expect(placeUrl('server', 'https://10.87.0.1:6443')).toEqual({ remote: { role: 'server', kind: 'remote-address', host: '10.87.0.1' } });
    expect(placeUrl('proxy-url', 'http://[::1]:3128')).toEqual({ local: { role: 'proxy-url', kind: 'loopback-address', host: '::1' } });
    expect(placeUrl('server', 'https://k3d-dev.localhost:6443')).toEqual({ lookup: 'k3d-dev.localhost' });
  });
});

describe('isLoopbackAddress and isLoopbackHost', () => {
  it('knows loopback addresses, and only addresses', () => {
    for (const a of ['127.0.0.1', '127.255.0.9', '::1', '[::1]', '::ffff:127.0.0.1', '::ffff:7f00:1'])
      expect(isLoopbackAddress(a), a).toBe(true);
    for (const a of ['128.0.0.1', '10.0.0.1', '0.0.0.0', 'localhost', '::ffff:a00:1', '']) expect(isLoopbackAddress(a), a).toBe(false);
  });

  it('guesses by spelling for registry hosts', () => {
    expect(isLoopbackHost('LOCALHOST')).toBe(true);
    expect(isLoopbackHost('k3d-registry.localhost')).toBe(true);
    expect(isLoopbackHost('0.0.0.0')).toBe(true);
    expect(isLoopbackHost('registry.example.com')).toBe(false);
  });
});

describe('k3dClusterOfContext', () => {
  it('names the k3d cluster of a k3d-<name> context when that is a valid k3d name', () => {
    expect(k3dClusterOfContext('k3d-devloop-test')).toBe('devloop-test');
    expect(k3dClusterOfContext('kind-x')).toBeUndefined();
    expect(k3dClusterOfContext('k3d-')).toBeUndefined();
    expect(k3dClusterOfContext('k3d---all')).toBeUndefined();
    expect(k3dClusterOfContext('k3d-a_b')).toBeUndefined();
  });
});
