import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { doctorCheckIds } from '../../src/onboard/doctor-check.ts';
import { runDevloop } from '../support/cli-harness.ts';
import { describeWithCluster } from '../support/environment.ts';

const fixtures = path.resolve(import.meta.dirname, '../fixtures/onboard');
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function project(flags: string[] = []): Promise<string> {
  const parent = mkdtempSync(path.join(tmpdir(), 'devloop-onboard-env-'));
  dirs.push(parent);
  const dir = path.join(parent, 'app');
  cpSync(path.join(fixtures, 'node-express'), dir, { recursive: true });
  return runDevloop(['init', '--yes', ...flags], { cwd: dir }).then((run) => {
    expect(run.code).toBe(0);
    return dir;
  });
}

type Check = { id: string; ok: boolean; detail: string; fix: string | null };
const byId = (stdout: string): Record<string, Check> => Object.fromEntries((JSON.parse(stdout).checks as Check[]).map((c) => [c.id, c]));

describe('devloop doctor on a broken machine (real processes)', () => {
  it('PATH without docker and k3d, a kube context on a closed port: ✗ with fixes, exit 1', async () => {
    const dir = await project();
    const kubeconfig = path.join(path.dirname(dir), 'kubeconfig');
    writeFileSync(
      kubeconfig,
      'apiVersion: v1\nkind: Config\ncurrent-context: k3d-dev\nclusters:\n- name: dev\n  cluster: { server: "https://127.0.0.1:1" }\ncontexts:\n- name: k3d-dev\n  context: { cluster: dev, user: dev }\nusers:\n- name: dev\n  user: {}\n',
    );
    const env = { PATH: path.join(path.dirname(dir), 'empty-bin'), KUBECONFIG: kubeconfig, HOME: path.dirname(dir) };
    const run = await runDevloop(['doctor', '--json'], { cwd: dir, env });
    expect(run.code).toBe(1);
    const checks = byId(run.stdout);
    expect(checks.docker).toMatchObject({ ok: false, detail: 'docker is not on PATH' });
    expect(checks.builder?.ok).toBe(false);
    expect(checks.k3d).toMatchObject({ ok: false, detail: 'k3d is not on PATH' });
    expect(checks['kube-context']?.ok).toBe(true);
    expect(checks['kube-api']).toMatchObject({ ok: false });
    expect(checks['kube-api']?.detail).toMatch(/127\.0\.0\.1:1 not reachable/);
    expect(checks['registry-cluster']?.ok).toBe(false);
    expect(checks['dockerfile-lint']).toMatchObject({ ok: true, detail: '1 Dockerfile(s), no findings' });
    for (const check of Object.values(checks)) if (!check.ok) expect(check.fix, check.id).toBeTruthy();

    const plain = await runDevloop(['doctor'], { cwd: dir, env });
    expect(plain.stdout).toMatch(/^✗ docker\s+docker is not on PATH$/m);
    expect(plain.stdout).toMatch(/^\s+fix: install k3d: curl/m);
  });
});

describeWithCluster('devloop doctor and devloop cluster against the test environment', (env) => {
  const variables = () => ({
    PATH: `${env.k3dBinDir ?? ''}:${process.env.PATH}`,
    KUBECONFIG: env.kubeconfig,
    HOME: process.env.HOME,
  });

  it('doctor: Docker, k3d, the context, the API, the registry both ways and *.localhost pass', async () => {
    const dir = await project(['--cluster', env.cluster]);
    const run = await runDevloop(['doctor', '--json'], { cwd: dir, env: variables() });
    const checks = byId(run.stdout);
    // inotify depends on the machine's limits, not on the environment under test: its verdict decides the exit code below.
    for (const id of doctorCheckIds.filter((check) => check !== 'inotify')) {
      expect(checks[id]?.ok, `${id}: ${checks[id]?.detail}`).toBe(true);
    }
    expect(checks['kube-context']?.detail).toContain(`${env.context} → `);
    expect(checks['registry-cluster']?.detail).toContain(`nodes pull from ${env.registryFromCluster}`);
    expect(run.code).toBe(checks.inotify?.ok ? 0 : 1);
  });

  it('cluster status, then cluster create on the existing cluster: waits for ready, pushes and has a pod pull', async () => {
    const dir = await project(['--cluster', env.cluster]);
    const status = await runDevloop(['cluster', 'status'], { cwd: dir, env: variables() });
    expect(status.stdout).toMatch(new RegExp(`✓ cluster ${env.cluster}: servers 1/1`));
    expect(status.stdout).toMatch(/✓ API through/);
    expect(status.code).toBe(0);
    const create = await runDevloop(['cluster', 'create', '--probe-image', 'busybox:1.36'], { cwd: dir, env: variables() });
    expect(create.stderr).toBe('');
    expect(create.stdout).toContain(`cluster ${env.cluster} exists and runs`);
    expect(create.stdout).toContain(`registry: push to ${env.registryHost}, nodes pull from ${env.registryFromCluster}`);
    expect(create.stdout).toMatch(/✓ pod devloop-probe-\S+ pulled \S+\/devloop-probe:\S+ and ran/);
    expect(create.stdout).toContain(`✓ cluster ${env.cluster} already running; kube context ${env.context}; registry proven`);
    expect(create.code).toBe(0);
    process.stdout.write(`${create.stdout}\n`);
  });
});
