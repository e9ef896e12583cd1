import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { captureSink } from '../../test/support/cli-harness.ts';
import type { CliContext } from '../cli/cli-context.ts';
import { runDoctor } from '../cli/commands/doctor.ts';
import { err, ok } from '../core/result.ts';
import { FakeRegistryClient } from '../deliver/fake-registry-client.ts';
import { FakeKubeClient } from '../k8s/fake-kube-client.ts';
import { FakeRunner } from '../system/fake-runner.ts';
import type { FileSystem } from '../system/file-system.ts';
import { NodeFileSystem } from '../system/node-file-system.ts';
import { nodeVersionSupported, runDoctorChecks } from './doctor.ts';
import type { DoctorProbes, DoctorTarget } from './doctor-check.ts';
import { kubeConnector, readKubeContexts } from './kube-connect.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A real file system with /proc/sys/fs/inotify answered from `proc` (absent keys: no such file). */
function withProc(proc: Record<string, string>): FileSystem {
  const real = new NodeFileSystem();
  const key = (file: string) => file.replace('/proc/sys/fs/inotify/', '');
  return Object.assign(Object.create(real) as FileSystem, {
    stat: async (file: string) =>
      file.startsWith('/proc/sys/fs/inotify/')
        ? proc[key(file)] === undefined
          ? undefined
          : { kind: 'file', size: 0, mtimeNs: '0', ctimeMs: 0, ino: '0', mode: 0 }
        : real.stat(file),
    readText: async (file: string) => (file.startsWith('/proc/sys/fs/inotify/') ? (proc[key(file)] ?? '') : real.readText(file)),
  });
}

/** A kubeconfig with one context whose API server is `server`. */
function kubeconfig(server: string, context = 'k3d-dev'): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'devloop-doctor-'));
  dirs.push(dir);
  const file = path.join(dir, 'config');
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      `current-context: ${context}`,
      'clusters:',
      `- name: ${context}`,
      `  cluster: { server: "${server}", insecure-skip-tls-verify: true }`,
      'contexts:',
      `- name: ${context}`,
      `  context: { cluster: ${context}, user: ${context} }`,
      'users:',
      `- name: ${context}`,
      '  user: { token: not-a-secret }',
      '',
    ].join('\n'),
  );
  return file;
}

const target: DoctorTarget = {
  context: undefined,
  allowContexts: [],
  cluster: 'dev',
  registry: undefined,
  images: [],
  configNote: 'no devloop.config.ts',
};

function healthyKube(): FakeKubeClient {
  const kube = new FakeKubeClient();
  kube.put({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'local-registry-hosting', namespace: 'kube-public' },
    data: { 'localRegistryHosting.v1': 'host: "localhost:5000"\nhostFromContainerRuntime: "k3d-registry.localhost:5000"\n' },
  });
  return kube;
}

function healthyProbes(): DoctorProbes {
  const file = kubeconfig('https://127.0.0.1:6443');
  const fs = withProc({ max_user_watches: '524288', max_user_instances: '512' });
  return {
    runner: new FakeRunner()
      .on('docker version', { stdout: '27.3.1 (API 1.47)' })
      .on('docker buildx', { stdout: 'github.com/docker/buildx v0.17.1 257815a' })
      .on('k3d version', { stdout: 'k3d version v5.8.3\nk3s version v1.31.5-k3s1 (default)' }),
    fs,
    nodeVersion: 'v24.11.0',
    lookup: async () => ok(['127.0.0.1']),
    registryClient: new FakeRegistryClient(),
    kubeContexts: () => readKubeContexts(fs, { KUBECONFIG: file }),
    connect: async () => ok(healthyKube()),
    lint: async () => [],
    engineSocket: async () => '/var/run/docker.sock',
  };
}

describe('devloop doctor', () => {
  it('passes every check on a healthy machine', async () => {
    const checks = await runDoctorChecks(healthyProbes(), target);
    expect(checks.map((c) => c.id)).toEqual([
      'docker',
      'builder',
      'k3d',
      'kube-context',
      'kube-api',
      'registry-host',
      'registry-cluster',
      'localhost-dns',
      'inotify',
      'node',
      'dockerfile-lint',
    ]);
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    const detail = Object.fromEntries(checks.map((c) => [c.id, c.detail]));
    expect(detail).toMatchObject({
      docker: 'Docker 27.3.1 (API 1.47)',
      builder: "BuildKit through buildx v0.17.1; small contexts by the engine's own BuildKit over /var/run/docker.sock",
      k3d: 'k3d v5.8.3',
      'kube-context': 'k3d-dev → https://127.0.0.1:6443 (local)',
      'registry-host': 'http://localhost:5000/v2/ answers',
      'localhost-dns': 'k3d-registry.localhost resolves to 127.0.0.1',
      inotify: 'max_user_watches 524288, max_user_instances 512',
      node: 'Node v24.11.0',
    });
    expect(detail['registry-cluster']).toContain('push to localhost:5000, nodes pull from k3d-registry.localhost:5000');
  });

  it('fails with a fix for each broken part: no docker, no k3d, an API on a closed port, low inotify, old Node', async () => {
    const file = kubeconfig('https://127.0.0.1:1');
    const fs = withProc({ max_user_watches: '8192' });
    const env = { KUBECONFIG: file };
    const registryClient = new FakeRegistryClient();
    registryClient.failure = {
      reason: 'registry-unreachable',
      host: 'localhost:5000',
      detail: 'connection refused (nothing listens there)',
    };
    const checks = await runDoctorChecks(
      {
        runner: new FakeRunner(),
        fs,
        nodeVersion: 'v20.19.0',
        lookup: async () => err('ENOTFOUND'),
        registryClient,
        kubeContexts: () => readKubeContexts(fs, env),
        connect: kubeConnector(fs, env, { allowContexts: [], lookup: async () => err('ENOTFOUND') }),
        lint: undefined,
      },
      target,
    );
    const byId = Object.fromEntries(checks.map((c) => [c.id, c]));
    for (const id of ['docker', 'builder', 'k3d', 'kube-api', 'registry-host', 'registry-cluster', 'localhost-dns', 'inotify', 'node']) {
      expect(byId[id]?.ok, id).toBe(false);
      expect(byId[id]?.fix, id).toBeTruthy();
    }
    expect(byId['kube-context']?.ok).toBe(true);
    expect(byId.docker?.detail).toBe('docker is not on PATH');
    expect(byId.k3d?.fix).toContain('https://k3d.io/#installation');
    expect(byId['kube-api']?.detail).toMatch(/^API at https:\/\/127\.0\.0\.1:1 not reachable/);
    expect(byId['kube-api']?.fix).toContain('k3d cluster start dev');
    expect(byId.inotify?.fix).toContain('fs.inotify.max_user_watches=524288');
    expect(byId['localhost-dns']?.fix).toContain('127.0.0.1 k3d-registry.localhost');
    expect(byId['dockerfile-lint']?.ok).toBe(true);
  });

  it('refuses a remote context unless allowed, and names a missing one', async () => {
    const probes = healthyProbes();
    const remote = kubeconfig('https://prod.example.com:6443', 'prod');
    const remoteProbes = { ...probes, kubeContexts: () => readKubeContexts(probes.fs, { KUBECONFIG: remote }) };
    const refused = (await runDoctorChecks(remoteProbes, target)).find((c) => c.id === 'kube-context');
    expect(refused).toMatchObject({ ok: false, fix: expect.stringContaining('cluster.allowContexts') });
    const allowed = (await runDoctorChecks(remoteProbes, { ...target, allowContexts: ['prod'] })).find((c) => c.id === 'kube-context');
    expect(allowed?.ok).toBe(true);
    const missing = await runDoctorChecks(probes, { ...target, context: 'k3d-other' });
    expect(missing.find((c) => c.id === 'kube-context')?.detail).toBe('context k3d-other is not in the kubeconfig (available: k3d-dev)');
    expect(missing.find((c) => c.id === 'kube-api')?.detail).toBe('not checked: context k3d-other missing');
  });

  it('never calls a context local by its name, and never connects to one it refuses', async () => {
    const probes = healthyProbes();
    const connected: string[] = [];
    const connect: DoctorProbes['connect'] = async (name) => {
      connected.push(name);
      return ok(healthyKube());
    };
    const check = async (file: string, lookup: DoctorProbes['lookup'] = probes.lookup) => {
      const checks = await runDoctorChecks(
        { ...probes, lookup, connect, kubeContexts: () => readKubeContexts(probes.fs, { KUBECONFIG: file }) },
        target,
      );
      return Object.fromEntries(checks.map((c) => [c.id, c]));
    };
    const remote = await check(kubeconfig('https://10.87.0.1:6443', 'k3d-dev'));
    expect(remote['kube-context']).toMatchObject({ ok: false, fix: expect.stringContaining('cluster.allowContexts') });
    expect(remote['kube-context']?.detail).toContain('API server 10.87.0.1 is not a loopback address');
    expect(remote['kube-context']?.detail).not.toContain('(local)');
    expect(remote['kube-api']?.detail).toBe('not checked: context k3d-dev is not local');
    const rebound = await check(kubeconfig('https://api.localhost:6443', 'k3d-dev'), async () => ok(['127.0.0.1', '10.87.0.1']));
    expect(rebound['kube-context']?.detail).toContain('api.localhost resolves to 127.0.0.1, 10.87.0.1, not only to loopback');
    expect(connected).toEqual([]);
  });

  it('reports lint findings of the configured Dockerfiles', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'devloop-doctor-lint-'));
    dirs.push(dir);
    writeFileSync(path.join(dir, 'Dockerfile'), 'FROM busybox\nCMD httpd\n');
    const probes = {
      ...healthyProbes(),
      lint: async () => [
        { severity: 'warning' as const, code: 'shell-form-cmd', message: 'CMD in shell form', file: path.join(dir, 'Dockerfile'), line: 2 },
      ],
    };
    const check = (
      await runDoctorChecks(probes, { ...target, images: [{ name: 'web', dockerfile: path.join(dir, 'Dockerfile'), context: dir }] })
    ).find((c) => c.id === 'dockerfile-lint');
    expect(check).toMatchObject({ ok: false, detail: `1 finding(s): ${path.join(dir, 'Dockerfile')}:2 shell-form-cmd: CMD in shell form` });
  });

  it('prints ✓/✗ lines, or JSON with --json, and exits 1 when a check fails', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'devloop-doctor-cli-'));
    dirs.push(dir);
    const stdout = captureSink();
    const ctx: CliContext = {
      cwd: dir,
      env: { KUBECONFIG: kubeconfig('https://127.0.0.1:6443') },
      stdout,
      stderr: captureSink(),
      color: false,
      runner: new FakeRunner(),
      fs: new NodeFileSystem(),
      signal: new AbortController().signal,
    };
    const probes = healthyProbes();
    const code = await runDoctor(ctx, { json: true }, { ...probes, kubeContexts: () => readKubeContexts(probes.fs, ctx.env) });
    expect(code).toBe(0);
    const json = JSON.parse(stdout.text());
    expect(Object.keys(json)).toEqual(['checks']);
    expect(json.checks).toHaveLength(11);
    for (const check of json.checks) expect(Object.keys(check)).toEqual(['id', 'ok', 'detail', 'fix']);

    const plain = captureSink();
    const failing = await runDoctor({ ...ctx, stdout: plain }, {}, { ...probes, runner: new FakeRunner() });
    expect(failing).toBe(1);
    expect(plain.text()).toMatch(/^✓ kube-context\s+k3d-dev/m);
    expect(plain.text()).toMatch(/^✗ docker\s+docker is not on PATH\n\s+fix: install Docker Engine/m);
    expect(plain.text()).toContain('3 of 11 checks failed');
  });

  it('knows which Node versions are supported', () => {
    expect(nodeVersionSupported('v22.22.0')).toBe(true);
    expect(nodeVersionSupported('v24.0.0')).toBe(true);
    expect(nodeVersionSupported('v22.21.9')).toBe(false);
    expect(nodeVersionSupported('v20.19.0')).toBe(false);
  });
});
