import * as path from 'node:path';
import { execa } from 'execa';
import { afterEach, expect, it } from 'vitest';
import { ExecaRunner } from '../../src/system/execa-runner.ts';
import { removeFromNodes } from '../fixtures/deliver/cluster-helpers.ts';
import { type E2eProject, e2eProject } from '../support/e2e-project.ts';
import { describeWithCluster } from '../support/environment.ts';

const bin = path.resolve(import.meta.dirname, '../../bin/devloop.js');

describeWithCluster('devloop ci', (env) => {
  let project: E2eProject | undefined;
  afterEach(() => project?.remove());

  const ci = (p: E2eProject, args: string[] = []) =>
    execa(process.execPath, [bin, 'ci', '--timeout', '150s', ...args], { cwd: p.dir, env: p.env, reject: false, timeout: 200_000 });

  it('passes on the example app', async () => {
    project = e2eProject(env);
    const run = await ci(project);
    expect(run.stdout).toContain('[hello] ready');
    expect(run.exitCode).toBe(0);
  });

  it('delivers with the real k3d image import: builds, imports, verifies the node, reaches ready', async () => {
    project = e2eProject(env, { delivery: 'import' });
    // content no node has yet, so the import really runs
    project.write('app/site/run.txt', `${Date.now()} ${Math.random()}\n`);
    const run = await ci(project);
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toMatch(/\[hello-web\] delivered by cluster-import in [\d.]+m?s \(hello-web:\S+\)/);
    expect(run.stdout).toContain('[hello] ready');
    const pods = JSON.parse(project.kubectl(['-n', project.namespace, 'get', 'pods', '-o', 'json'])) as {
      items: { spec: { containers: { image: string; imagePullPolicy: string }[] } }[];
    };
    const container = pods.items[0]?.spec.containers[0];
    expect(container?.image).toMatch(/^hello-web:/);
    expect(container?.imagePullPolicy).toBe('IfNotPresent');
    await removeFromNodes(new ExecaRunner(), env, `docker.io/library/${container?.image}`);
  });

  it('fails with the diagnosis on a crashing variant', async () => {
    project = e2eProject(env);
    project.write('app/Dockerfile', 'FROM busybox:1.36\nCMD ["sh", "-c", "echo starting; echo config missing >&2; exit 3"]\n');
    const started = Date.now();
    const run = await ci(project);
    expect(run.exitCode).toBe(1);
    expect(`${run.stdout}\n${run.stderr}`).toMatch(/crash-loop/);
    expect(`${run.stdout}\n${run.stderr}`).toMatch(/config missing/);
    expect(Date.now() - started).toBeLessThan(120_000);
  });

  it('refuses a context that is not local before building anything', async () => {
    project = e2eProject(env);
    const run = await execa(process.execPath, [bin, 'ci', '--context', 'prod-cluster'], {
      cwd: project.dir,
      env: project.env,
      reject: false,
    });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/prod-cluster/);
  });
});
