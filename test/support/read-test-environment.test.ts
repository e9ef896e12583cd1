import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { environmentVariables, fromStateFile, fromVariables, readTestEnvironment } from './read-test-environment.ts';
import { type TempProject, tempProject } from './temp-project.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
let home: TempProject;
afterEach(() => home?.remove());

const written = {
  kubeconfig: '/state/kubeconfig',
  context: 'k3d-devloop-test',
  cluster: 'devloop-test',
  registryHost: 'localhost:5000',
  registryFromCluster: 'k3d-registry.localhost:5000',
  k3dBinDir: '/state/k3d/bin',
  k3dVersion: 'v5.8.3',
  dockerHost: 'unix:///var/run/docker.sock',
  kubectl: '/state/bin/v1.34.10/kubectl',
  ready: true,
};

describe('reading the test environment', () => {
  it('takes what scripts/test-env up wrote to env.json once ready', () => {
    home = tempProject({ 'env.json': JSON.stringify(written) });
    const { k3dVersion: _, ready: __, ...facts } = written;
    expect(fromStateFile(home.dir)).toEqual({ ok: true, env: { ...facts, home: home.dir } });
  });

  it('says why env.json cannot be used: missing, not ready, or lacking a fact', () => {
    home = tempProject({ 'up/env.json': JSON.stringify({ ...written, ready: false }), 'odd/env.json': '{"ready":true,"context":"x"}' });
    expect(fromStateFile(path.join(home.dir, 'none'))).toEqual({ ok: false, reason: expect.stringMatching(/env\.json not found/) });
    expect(fromStateFile(path.join(home.dir, 'up'))).toEqual({ ok: false, reason: expect.stringMatching(/does not say ready: true$/) });
    expect(fromStateFile(path.join(home.dir, 'odd'))).toEqual({
      ok: false,
      reason: expect.stringMatching(/names no kubeconfig, cluster, registryHost, registryFromCluster$/),
    });
  });

  it('prefers the DEVLOOP_TEST_* variables, filling what they leave out as k3d names it', () => {
    home = tempProject({ 'env.json': JSON.stringify(written) });
    const vars = {
      HOME: '/home/me',
      DEVLOOP_TEST_CONTEXT: 'k3d-mine',
      DEVLOOP_TEST_REGISTRY_HOST: 'localhost:5555',
      DEVLOOP_TEST_ENV_HOME: home.dir,
    };
    expect(readTestEnvironment(vars)).toEqual({
      ok: true,
      env: {
        kubeconfig: '/home/me/.kube/config',
        context: 'k3d-mine',
        cluster: 'mine',
        registryHost: 'localhost:5555',
        registryFromCluster: 'localhost:5555',
        k3dBinDir: undefined,
        dockerHost: undefined,
        kubectl: undefined,
        home: home.dir,
      },
    });
    expect(fromVariables({ DEVLOOP_TEST_CONTEXT: 'k3d-mine' }).ok).toBe(false);
    expect(readTestEnvironment({ DEVLOOP_TEST_ENV_HOME: home.dir })).toMatchObject({ ok: true, env: { context: 'k3d-devloop-test' } });
  });

  it('gives back the variables scripts/test-env env prints for the same environment', () => {
    home = tempProject();
    const printed = execFileSync('bash', [path.join(repoRoot, 'scripts/test-env'), 'env'], {
      env: { PATH: process.env.PATH ?? '', DEVLOOP_TEST_ENV_HOME: home.dir },
      encoding: 'utf8',
    });
    const vars = Object.fromEntries(
      printed
        .trim()
        .split('\n')
        .map((line) => /^export ([A-Z0-9_]+)=(.*)$/.exec(line)?.slice(1, 3) ?? []),
    );
    const read = readTestEnvironment(vars);
    expect(read.ok && environmentVariables(read.env)).toEqual(vars);
  });
});
