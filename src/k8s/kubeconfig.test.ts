import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NodeFileSystem } from '../system/node-file-system.ts';
import { loadKubeconfig, selectContext } from './kubeconfig.ts';

const file = fileURLToPath(new URL('../../test/fixtures/k8s/kubeconfig.yaml', import.meta.url));
const fs = new NodeFileSystem();

describe('kubeconfig', () => {
  it('lists contexts with cluster, server, proxy-url and namespace, and no credentials', async () => {
    const loaded = await loadKubeconfig({ env: { KUBECONFIG: `/nowhere:${file}` }, fs });
    if (!loaded.ok) throw new Error(loaded.error.message);
    expect(loaded.value.currentContext).toBe('k3d-dev');
    expect(loaded.value.contexts).toEqual([
      { name: 'k3d-dev', cluster: 'k3d-dev', server: 'https://0.0.0.0:6550', proxyUrl: undefined, namespace: undefined },
      { name: 'prod', cluster: 'prod', server: 'https://prod.example.com', proxyUrl: undefined, namespace: 'shop' },
      {
        name: 'k3d-proxied',
        cluster: 'proxied',
        server: 'https://127.0.0.1:6443',
        proxyUrl: 'http://proxy.example.com:3128',
        namespace: undefined,
      },
    ]);
    expect(JSON.stringify(loaded.value.contexts)).not.toContain('not-a-real-token');
  });

  it('selects a context, or names the available ones', async () => {
    const loaded = await loadKubeconfig({ env: {}, file, fs });
    if (!loaded.ok) throw new Error(loaded.error.message);
    const prod = selectContext(loaded.value, 'prod');
    expect(prod.ok && prod.value.config.getCurrentContext()).toBe('prod');
    expect(loaded.value.config.getCurrentContext()).toBe('k3d-dev');
    const missing = selectContext(loaded.value, 'k3d-de');
    expect(missing).toMatchObject({
      ok: false,
      error: { reason: 'kube-context-not-found', available: ['k3d-dev', 'prod', 'k3d-proxied'] },
    });
  });

  it('says where it looked when there is no kubeconfig', async () => {
    const loaded = await loadKubeconfig({ env: { HOME: '/nowhere' }, fs });
    expect(loaded).toMatchObject({ ok: false, error: { reason: 'kubeconfig-not-found', files: ['/nowhere/.kube/config'] } });
  });
});
