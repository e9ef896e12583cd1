import * as path from 'node:path';
import { execa } from 'execa';
import { afterEach, expect, it } from 'vitest';
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
