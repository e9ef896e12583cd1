import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FetchRegistryClient, registryFailureToError } from './registry-client.ts';

let server: Server;
let host: string;
const seen: { method: string; url: string; accept: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', accept: String(req.headers.accept ?? '') });
    if (req.url === '/v2/') return res.writeHead(200).end('{}');
    if (req.url === '/v2/team/api/manifests/1') {
      res.writeHead(200, { 'docker-content-digest': 'sha256:m', 'content-type': 'application/vnd.docker.distribution.manifest.v2+json' });
      return res.end(JSON.stringify({ config: { digest: 'sha256:c1c1' }, layers: [{ digest: 'sha256:l1', size: 12 }] }));
    }
    if (req.url === '/v2/team/api/blobs/sha256:c1c1')
      return res.writeHead(200).end(JSON.stringify({ rootfs: { diff_ids: ['sha256:d1'] } }));
    res.writeHead(404).end('{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('FetchRegistryClient', () => {
  const client = new FetchRegistryClient({ timeoutMs: 2000 });

  it('pings and asks for manifests with the manifest media types', async () => {
    expect(await client.ping(host)).toEqual({ ok: true, value: undefined });
    expect(await client.manifestDigest(host, 'team/api', '1')).toEqual({ ok: true, value: 'sha256:m' });
    expect(await client.manifestDigest(host, 'team/api', '2')).toEqual({ ok: true, value: undefined });
    expect(await client.manifestLayers(host, 'team/api', '1')).toEqual({
      ok: true,
      value: { digest: 'sha256:m', layers: [{ digest: 'sha256:l1', size: 12 }], diffIds: ['sha256:d1'] },
    });
    const head = seen.find((s) => s.method === 'HEAD');
    expect(head?.accept).toContain('application/vnd.docker.distribution.manifest.v2+json');
    expect(head?.accept).toContain('application/vnd.oci.image.index.v1+json');
  });

  it('puts a host path prefix in front of the repository', async () => {
    expect(await client.manifestDigest(`${host}/team`, 'api', '1')).toEqual({ ok: true, value: 'sha256:m' });
  });

  it('calls a closed port unreachable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await client.ping(`127.0.0.1:${port}`);
    expect(result).toEqual({
      ok: false,
      error: { reason: 'registry-unreachable', host: `127.0.0.1:${port}`, detail: 'connection refused (nothing listens there)' },
    });
  });

  it('calls an unknown name unresolvable', async () => {
    expect(await client.ping('nope.invalid:5000')).toEqual({
      ok: false,
      error: { reason: 'registry-name-unresolvable', host: 'nope.invalid:5000' },
    });
  });
});

describe('registryFailureToError', () => {
  it('suggests localhost:<port> for *.localhost names', () => {
    expect(registryFailureToError({ reason: 'registry-name-unresolvable', host: 'k3d-registry.localhost:5000' })).toEqual({
      reason: 'registry-name-unresolvable',
      host: 'k3d-registry.localhost:5000',
      suggestion: 'localhost:5000',
    });
    expect(registryFailureToError({ reason: 'registry-name-unresolvable', host: 'nope.invalid:5000' })).toMatchObject({
      suggestion: undefined,
    });
  });
});
