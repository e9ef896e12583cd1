import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { err, ok } from '../core/result.ts';
import { NodeFileSystem } from '../system/node-file-system.ts';
import { kubeConnector, openContextDiagnostic, openKubeContext } from './kube-connect.ts';

let dir = '';
let written = 0;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'devloop-kube-connect-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A kubeconfig with one context `k3d-dev` whose cluster has `cluster` fields. */
function kubeconfig(cluster: string): Record<string, string> {
  const file = path.join(dir, `config-${written++}`);
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      `- {name: c, cluster: {${cluster}, insecure-skip-tls-verify: true}}`,
      'users:',
      '- {name: u, user: {token: not-a-secret}}',
      'contexts:',
      '- {name: k3d-dev, context: {cluster: c, user: u}}',
      '',
    ].join('\n'),
  );
  return { KUBECONFIG: file };
}

const fs = new NodeFileSystem();
const lookup = async (host: string) => (host === 'localhost' ? ok(['127.0.0.1']) : err('ENOTFOUND'));

describe('openKubeContext', () => {
  it('gives a client for a local context, with the verdict and the proxy-url it judged', async () => {
    const env = kubeconfig('server: "https://127.0.0.1:6443", proxy-url: "http://localhost:3128"');
    const opened = await openKubeContext({ fs, env, context: 'k3d-dev', allowContexts: [], lookup });
    expect(opened.ok && opened.value.context).toEqual({
      name: 'k3d-dev',
      server: 'https://127.0.0.1:6443',
      proxyUrl: 'http://localhost:3128',
    });
    expect(opened.ok && opened.value.verdict.kind).toBe('local');
  });

  it('refuses a remote server or proxy-url whatever the context is called, and so does the connector', async () => {
    for (const cluster of ['server: "https://10.87.0.1:6443"', 'server: "https://127.0.0.1:6443", proxy-url: "http://10.87.0.1:3128"']) {
      const env = kubeconfig(cluster);
      const opened = await openKubeContext({ fs, env, context: 'k3d-dev', allowContexts: [], lookup });
      expect(opened).toMatchObject({ ok: false, error: { reason: 'context-not-local', remote: { host: '10.87.0.1' } } });
      if (!opened.ok) expect(openContextDiagnostic(opened.error).hint).toContain("allowContexts: ['k3d-dev']");
      const connected = await kubeConnector(fs, env, { allowContexts: [], lookup })('k3d-dev');
      expect(connected).toMatchObject({ ok: false, error: expect.stringContaining('refusing to use kube context "k3d-dev"') });
    }
  });

  it('passes a kubeconfig problem through with its message', async () => {
    const opened = await openKubeContext({
      fs,
      env: kubeconfig('server: "https://127.0.0.1"'),
      context: 'k3d-x',
      allowContexts: [],
      lookup,
    });
    expect(opened).toMatchObject({ ok: false, error: { reason: 'kube-context-not-found' } });
    if (!opened.ok) expect(openContextDiagnostic(opened.error).message).toContain('kube context k3d-x is not in');
  });
});
