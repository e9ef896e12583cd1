import { describe, expect, it } from 'vitest';
import { ok } from '../core/result.ts';
import { MemoryFileSystem } from '../system/memory-file-system.ts';
import { configuredContextDiagnostic, openConfiguredContext } from './configured-context.ts';

const config = {
  configFile: '/p/devloop.config.ts',
  cluster: {
    context: 'k3d-dev',
    namespace: 'default',
    k3d: { name: 'dev', registry: undefined },
    delivery: 'auto' as const,
    allowContexts: [],
  },
};

describe('the configured context', () => {
  it('without a kubeconfig says to create a cluster or set KUBECONFIG', async () => {
    const opened = await openConfiguredContext(
      { fs: new MemoryFileSystem(), env: { HOME: '/home/u' }, lookup: async () => ok([]) },
      config,
    );
    expect(!opened.ok && opened.error).toMatchObject({
      severity: 'error',
      code: 'kubeconfig-not-found',
      hint: 'create a cluster (`k3d cluster create dev`) or set KUBECONFIG',
    });
  });

  it('a missing context points at the setting that names it', () => {
    const d = configuredContextDiagnostic(
      { reason: 'kube-context-not-found', context: 'k3d-dev', available: ['kind-kind'], message: 'no context k3d-dev' },
      config.configFile,
    );
    expect(d).toMatchObject({
      code: 'kube-context-not-found',
      keyPath: 'cluster.context',
      file: '/p/devloop.config.ts',
      hint: 'set cluster.context (or cluster.k3d.name) in devloop.config.ts, DEVLOOP_CONTEXT or --context',
    });
  });

  it('a context that is not local keeps the delivery module’s fix and points at the setting', () => {
    const d = configuredContextDiagnostic(
      { reason: 'context-not-local', context: 'prod', remote: { role: 'server', kind: 'remote-address', host: '10.0.0.1' } },
      config.configFile,
    );
    expect(d).toMatchObject({ code: 'context-not-local', keyPath: 'cluster.context', file: '/p/devloop.config.ts' });
    expect(d.hint).toMatch(/allowContexts: \['prod'\]/);
  });
});
