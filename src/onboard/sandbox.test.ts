import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ResolvedConfig } from '../config/resolved-config.ts';
import { NodeFileSystem } from '../system/node-file-system.ts';
import { sandboxInstead, sandboxTarget } from './sandbox.ts';

const root = mkdtempSync(path.join(tmpdir(), 'devloop-sandbox-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const kubeconfig = (context: string) =>
  [
    'apiVersion: v1',
    'kind: Config',
    `clusters: [{ name: c, cluster: { server: 'https://127.0.0.1:6443' } }]`,
    'users: [{ name: u, user: {} }]',
    `contexts: [{ name: ${context}, context: { cluster: c, user: u } }]`,
    `current-context: ${context}`,
  ].join('\n');

function sandboxHome(ready: boolean): string {
  const home = mkdtempSync(path.join(root, 'home-'));
  writeFileSync(path.join(home, 'kubeconfig'), kubeconfig('k3d-devloop-test'));
  const env = { kubeconfig: path.join(home, 'kubeconfig'), context: 'k3d-devloop-test', cluster: 'devloop-test', ready };
  writeFileSync(path.join(home, 'env.json'), JSON.stringify(env));
  return home;
}

describe('sandboxInstead', () => {
  const fs = new NodeFileSystem();
  const noKubeconfig = path.join(root, 'none');

  it('offers a ready sandbox when the configured k3d context is missing', async () => {
    const home = sandboxHome(true);
    const env = { KUBECONFIG: noKubeconfig, DEVLOOP_TEST_ENV_HOME: home };
    expect(await sandboxInstead({ fs, env, context: 'k3d-dev' })).toEqual({
      home,
      kubeconfig: path.join(home, 'kubeconfig'),
      context: 'k3d-devloop-test',
      cluster: 'devloop-test',
    });
  });

  it('keeps the configured context when it exists, is not a k3d one, or there is no ready sandbox', async () => {
    const home = sandboxHome(true);
    const mine = path.join(mkdtempSync(path.join(root, 'mine-')), 'config');
    writeFileSync(mine, kubeconfig('k3d-dev'));
    expect(await sandboxInstead({ fs, env: { KUBECONFIG: mine, DEVLOOP_TEST_ENV_HOME: home }, context: 'k3d-dev' })).toBeUndefined();
    expect(
      await sandboxInstead({ fs, env: { KUBECONFIG: noKubeconfig, DEVLOOP_TEST_ENV_HOME: home }, context: 'kind-dev' }),
    ).toBeUndefined();
    const starting = sandboxHome(false);
    expect(
      await sandboxInstead({ fs, env: { KUBECONFIG: noKubeconfig, DEVLOOP_TEST_ENV_HOME: starting }, context: 'k3d-dev' }),
    ).toBeUndefined();
    const empty = path.join(root, 'empty');
    mkdirSync(empty);
    expect(
      await sandboxInstead({ fs, env: { KUBECONFIG: noKubeconfig, DEVLOOP_TEST_ENV_HOME: empty }, context: 'k3d-dev' }),
    ).toBeUndefined();
  });
});

describe('sandboxTarget', () => {
  const fs = new NodeFileSystem();
  const env = (home: string) => ({ KUBECONFIG: path.join(root, 'none'), DEVLOOP_TEST_ENV_HOME: home });
  const config = {
    cluster: { context: 'k3d-dev', k3d: { name: 'dev', registry: undefined }, namespace: 'default', delivery: 'auto', allowContexts: [] },
  } as unknown as ResolvedConfig;

  it('points a configuration at the sandbox only while it names the missing context, and says so', async () => {
    const home = sandboxHome(true);
    const target = await sandboxTarget({ fs, env: env(home), config, contextOrigin: { kind: 'default' } });
    expect(target?.kubeconfig).toBe(path.join(home, 'kubeconfig'));
    expect(target?.retarget(config).cluster).toMatchObject({ context: 'k3d-devloop-test', k3d: { name: 'devloop-test' } });
    const elsewhere = { ...config, cluster: { ...config.cluster, context: 'k3d-other' } };
    expect(target?.retarget(elsewhere)).toBe(elsewhere);
    expect(target?.notice).toMatch(/^kube context k3d-dev does not exist on this machine: using the sandbox's cluster instead/);
  });

  it('never replaces a context named outright', async () => {
    const home = sandboxHome(true);
    const named = await sandboxTarget({ fs, env: env(home), config, contextOrigin: { kind: 'flag', name: '--context' } });
    expect(named).toBeUndefined();
  });
});
