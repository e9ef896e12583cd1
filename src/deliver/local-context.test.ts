import { describe, expect, it } from 'vitest';
import { deliveryDiagnostic } from './delivery-error.ts';
import { checkContext, isLoopbackHost, k3dClusterOfContext } from './local-context.ts';

describe('checkContext', () => {
  const check = (name: string, server?: string, allowContexts: string[] = []) => checkContext({ context: { name, server }, allowContexts });

  it.each([
    ['k3d-dev', 'k3d'],
    ['kind-kind', 'kind'],
    ['minikube', 'minikube'],
    ['docker-desktop', 'docker-desktop'],
    ['rancher-desktop', 'rancher-desktop'],
    ['colima', 'colima'],
    ['colima-work', 'colima'],
    ['orbstack', 'orbstack'],
  ])('accepts %s by name', (name, tool) => {
    expect(check(name, 'https://10.1.2.3:6443')).toEqual({ ok: true, value: { kind: 'local-name', tool } });
  });

  it.each([
    'https://127.0.0.1:6443',
    'https://127.8.9.10:6443',
    'https://localhost:6443',
    'https://api.localhost:6443',
    'https://[::1]:6443',
    'https://0.0.0.0:6550',
    'https://host.docker.internal:6443',
  ])('accepts any name whose API server is on loopback: %s', (server) => {
    const verdict = check('my-dev', server);
    expect(verdict.ok && verdict.value.kind).toBe('loopback-server');
  });

  it('refuses a remote context with a message that says how to allow it', () => {
    const verdict = check('gke_prod_europe', 'https://35.1.2.3');
    expect(verdict).toEqual({
      ok: false,
      error: { reason: 'context-not-local', context: 'gke_prod_europe', server: 'https://35.1.2.3' },
    });
    if (verdict.ok) return;
    const diagnostic = deliveryDiagnostic(verdict.error);
    expect(diagnostic.message).toContain('gke_prod_europe');
    expect(diagnostic.hint).toContain("cluster: { allowContexts: ['gke_prod_europe'] }");
    expect(diagnostic.hint).toContain('devloop.config.ts');
  });

  it('accepts a remote context named in allowContexts', () => {
    expect(check('staging', 'https://10.0.0.1', ['staging'])).toEqual({ ok: true, value: { kind: 'allowed' } });
  });

  it('does not treat look-alike names as local', () => {
    expect(check('k3d', 'https://10.0.0.1').ok).toBe(false);
    expect(check('prod-kind-k3d', 'https://10.0.0.1').ok).toBe(false);
    expect(check('minikube-prod', 'https://10.0.0.1').ok).toBe(false);
    expect(check('x', 'https://localhost.example.com').ok).toBe(false);
    expect(check('x', 'not a url').ok).toBe(false);
  });
});

describe('isLoopbackHost', () => {
  it('knows loopback spellings', () => {
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('::ffff:127.0.0.1')).toBe(true);
    expect(isLoopbackHost('[::1]')).toBe(true);
    expect(isLoopbackHost('LOCALHOST')).toBe(true);
    expect(isLoopbackHost('128.0.0.1')).toBe(false);
    expect(isLoopbackHost('10.0.0.1')).toBe(false);
  });
});

describe('k3dClusterOfContext', () => {
  it('strips the k3d- prefix', () => {
    expect(k3dClusterOfContext('k3d-devloop-test')).toBe('devloop-test');
    expect(k3dClusterOfContext('kind-x')).toBeUndefined();
    expect(k3dClusterOfContext('k3d-')).toBeUndefined();
  });
});
