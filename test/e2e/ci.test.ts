import { readFileSync } from 'node:fs';
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

  it('passes on the example app, and again with nothing to deliver', async () => {
    project = e2eProject(env);
    const run = await ci(project);
    expect(run.stdout).toContain('[hello] ready');
    expect(run.exitCode).toBe(0);
    // Nothing changed: the registry has the image, and the report says so in words.
    const again = await ci(project);
    expect(again.exitCode, `${again.stdout}\n${again.stderr}`).toBe(0);
    expect(again.stdout).toMatch(/\[hello-web\] delivered: already in the registry \(\S+\)/);
  });

  it.skipIf(process.env.DEVLOOP_TEST_ENV === 'external')(
    "runs on the sandbox when this machine's kubeconfig has no k3d-dev, and says so",
    async () => {
      // The repository's own config names the k3d cluster `dev`; this machine has no such context, only the sandbox.
      project = e2eProject(env);
      const config = JSON.parse(readFileSync(path.join(project.dir, 'devloop.config.json'), 'utf8'));
      config.cluster = { k3d: { name: 'dev' }, namespace: project.namespace };
      project.write('devloop.config.json', JSON.stringify(config));
      const home = path.join(project.dir, '.home');
      const run = await execa(process.execPath, [bin, 'ci', '--timeout', '150s'], {
        cwd: project.dir,
        env: { ...project.env, HOME: home, KUBECONFIG: undefined, DEVLOOP_CONTEXT: undefined },
        extendEnv: false,
        reject: false,
        timeout: 200_000,
      });
      expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
      expect(`${run.stdout}\n${run.stderr}`).toContain(
        `kube context k3d-dev does not exist on this machine: using the sandbox's cluster instead (context ${env.context}`,
      );
      expect(run.stdout).toContain('[hello] ready');
    },
  );

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
