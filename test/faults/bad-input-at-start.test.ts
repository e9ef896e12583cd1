import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { execa } from 'execa';
import { afterEach, expect, it } from 'vitest';
import { type E2eProject, e2eProject } from '../support/e2e-project.ts';
import { describeWithCluster } from '../support/environment.ts';
import { devloopBin, dockerImages, registryTags } from './fault-support.ts';

/** Bad input when devloop starts: exit 2 (or 1 for a build input) with a diagnostic that points at it. */
describeWithCluster('bad input at start', (env) => {
  let project: E2eProject | undefined;
  afterEach(() => project?.remove());

  const run = (p: E2eProject, command: 'ci' | 'up', env2: Record<string, string | undefined> = {}) =>
    execa(process.execPath, [devloopBin, command, '--output', 'plain', ...(command === 'ci' ? ['--timeout', '60s'] : [])], {
      cwd: p.dir,
      env: { ...p.env, ...env2 },
      reject: false,
      timeout: 90_000,
    });
  // biome-ignore lint/suspicious/noExplicitAny: the test edits the JSON config freely
  const config = (p: E2eProject) => JSON.parse(readFileSync(path.join(p.dir, 'devloop.config.json'), 'utf8')) as Record<string, any>;
  const writeConfig = (p: E2eProject, c: unknown) => p.write('devloop.config.json', `${JSON.stringify(c, null, 2)}\n`);

  it('a broken devloop config: `up` exits 2 naming the file and key, before touching anything', async () => {
    project = e2eProject(env);
    const c = config(project);
    c.images['hello-web'].context = 42;
    writeConfig(project, c);
    const r = await run(project, 'up');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/devloop\.config\.json.*images\.hello-web\.context/);
    expect(project.kubectl(['-n', project.namespace, 'get', 'deployments', '-o', 'name'])).toBe('');
  });

  it('a manifest that is not valid YAML: exit 2 naming the file and the line', async () => {
    project = e2eProject(env);
    const yaml = readFileSync(path.join(project.dir, 'k8s/hello.yaml'), 'utf8');
    project.write('k8s/hello.yaml', yaml.replace('  replicas: 1\n', '  replicas: 1\n  strategy: a: b\n'));
    const r = await run(project, 'up');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/k8s\/hello\.yaml:9: document 1: /);
  });

  it('a manifest that is not valid Kubernetes: exit 2 naming the file, line and what is missing', async () => {
    project = e2eProject(env);
    project.write('k8s/extra.yaml', 'apiVersion: v1\nkind: ConfigMap\ndata: {}\n---\nfoo: bar\n');
    const r = await run(project, 'ci');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/k8s\/extra\.yaml:1: document 1 has no metadata\.name/);
    expect(r.stderr).toMatch(/k8s\/extra\.yaml:5: document 2 has no apiVersion, kind, metadata\.name/);
  });

  it('a Dockerfile with an unknown instruction: file:line and a suggestion, nothing deployed', async () => {
    project = e2eProject(env);
    const dockerfile = readFileSync(path.join(project.dir, 'app/Dockerfile'), 'utf8');
    project.write('app/Dockerfile', dockerfile.replace('WORKDIR /srv', 'WROKDIR /srv'));
    const r = await run(project, 'ci');
    expect(r.exitCode).toBe(1);
    expect(`${r.stdout}\n${r.stderr}`).toMatch(/app\/Dockerfile:3: unknown instruction: WROKDIR/);
    expect(`${r.stdout}\n${r.stderr}`).toMatch(/did you mean WORKDIR/);
    expect(project.kubectl(['-n', project.namespace, 'get', 'deployments', '-o', 'name'])).toBe('');
  });

  it('a build context directory that does not exist: exit 2 naming the key', async () => {
    project = e2eProject(env);
    const c = config(project);
    c.images['hello-web'].context = 'no-such-dir';
    writeConfig(project, c);
    const r = await run(project, 'ci');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/images\.hello-web\.context: directory no-such-dir does not exist/);
  });

  it('a kube context that does not exist: exit 2 listing the ones that do', async () => {
    project = e2eProject(env);
    const c = config(project);
    c.cluster.context = 'k3d-no-such-cluster';
    writeConfig(project, c);
    const r = await run(project, 'ci');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/kube context k3d-no-such-cluster is not in .*available: .*k3d-devloop-test/);
  });

  it('a context that is not local is refused before any build or push', async () => {
    project = e2eProject(env);
    // A kubeconfig with a remote-looking cluster as well as the test one.
    const kubeconfig = path.join(project.dir, 'kubeconfig');
    const original = readFileSync(env.kubeconfig, 'utf8');
    writeFileSync(
      kubeconfig,
      `${original.replace(/^clusters:\n/m, 'clusters:\n- name: prod\n  cluster:\n    server: https://k8s.prod.example.com:6443\n').replace(/^contexts:\n/m, `contexts:\n- name: prod-eu\n  context:\n    cluster: prod\n    user: ${env.context}\n`)}`,
    );
    // A repository of its own, so other builds on this machine do not blur the check.
    const repository = `fault-nonlocal-${Math.random().toString(36).slice(2, 8)}`;
    const c = config(project);
    c.cluster.context = 'prod-eu';
    c.images['hello-web'].repository = repository;
    writeConfig(project, c);
    const r = await run(project, 'ci', { KUBECONFIG: kubeconfig });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/prod-eu/);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/build started|delivering/);
    expect(await registryTags(env.registryHost, repository)).toEqual([]);
    expect(dockerImages().filter((i) => i.includes(repository))).toEqual([]);
    // The same project on the local context does build and push under that repository.
    c.cluster.context = env.context;
    writeConfig(project, c);
    const local = await run(project, 'ci');
    expect(local.exitCode).toBe(0);
    expect(dockerImages().filter((i) => i.includes(repository)).length).toBeGreaterThan(0);
  });
});
