import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { execa } from 'execa';
import { afterEach, expect, it } from 'vitest';
import { type E2eLoop, startE2eLoop } from '../support/e2e-loop.ts';
import { type E2eProject, e2eProject, eventually } from '../support/e2e-project.ts';
import { describeWithCluster, type TestEnvironment } from '../support/environment.ts';

const bin = path.resolve(import.meta.dirname, '../../bin/devloop.js');
const fixtures = path.resolve(import.meta.dirname, '../fixtures/workloads');

describeWithCluster('every workload kind on the cluster', (env: TestEnvironment) => {
  let project: E2eProject | undefined;
  let loop: E2eLoop | undefined;
  afterEach(async () => {
    await loop?.stop();
    loop = undefined;
    project?.remove();
    project = undefined;
  });

  /** examples/hello plus a StatefulSet, DaemonSet, Job, bare Pod and CronJob running the same image; only `hello` is configured. */
  const withWorkloads = (edit: (file: string, text: string) => string = (_f, t) => t) => {
    const p = e2eProject(env, { config: { manifests: ['k8s/*.yaml', 'workloads/*.yaml'] } });
    cpSync(fixtures, path.join(p.dir, 'workloads'), { recursive: true });
    for (const file of ['statefulset.yaml', 'daemonset.yaml', 'job.yaml', 'pod-and-cronjob.yaml']) {
      const at = path.join(p.dir, 'workloads', file);
      writeFileSync(at, edit(file, readFileSync(at, 'utf8')));
    }
    project = p;
    return p;
  };
  const ci = (p: E2eProject) =>
    execa(process.execPath, [bin, 'ci', '--timeout', '150s'], { cwd: p.dir, env: p.env, reject: false, timeout: 200_000 });
  const imageOf = (p: E2eProject, what: string, jsonPath: string) =>
    p.kubectl(['-n', p.namespace, 'get', what, '-o', `jsonpath=${jsonPath}`]);
  const podImage = '{.spec.template.spec.containers[0].image}';

  it('ci deploys each kind as its own resource and waits for each by its rules', async () => {
    const p = withWorkloads();
    const run = await ci(p);
    const out = `${run.stdout}\n${run.stderr}`;
    expect(run.exitCode, out).toBe(0);
    for (const name of ['hello', 'db', 'agent', 'migrate', 'tool', 'nightly']) expect(out).toContain(`[${name}] ready`);
    const built = imageOf(p, 'deployment/hello', podImage);
    expect(built).toMatch(/hello-web:devloop-[0-9a-f]+$/);
    expect(imageOf(p, 'statefulset/db', podImage)).toBe(built);
    expect(imageOf(p, 'daemonset/agent', podImage)).toBe(built);
    expect(imageOf(p, 'pod/tool', '{.spec.containers[0].image}')).toBe(built);
    expect(imageOf(p, 'cronjob/nightly', '{.spec.jobTemplate.spec.template.spec.containers[0].image}')).toBe(built);
    expect(imageOf(p, 'job/migrate', '{.status.succeeded}')).toBe('1');
    expect(p.kubectl(['-n', p.namespace, 'get', 'jobs', '-o', 'name']).trim()).toBe('job.batch/migrate');
  });

  it('a Job that exits non-zero fails ci at once with its exit code and last lines', async () => {
    const p = withWorkloads((file, text) =>
      file === 'job.yaml' ? text.replace('echo migrations done', 'echo no such table >&2; exit 3') : text,
    );
    const started = Date.now();
    const run = await ci(p);
    const out = `${run.stdout}\n${run.stderr}`;
    expect(run.exitCode, out).not.toBe(0);
    expect(out).toMatch(/\[migrate\].*container-exited|container migrate of pod migrate-\S+ exited with code 3/);
    expect(out).toContain('exited with code 3');
    expect(out).toContain('no such table');
    expect(Date.now() - started).toBeLessThan(90_000);
  });

  it('a crash-looping StatefulSet pod fails ci with the crash and its last lines', async () => {
    const p = withWorkloads((file, text) =>
      file === 'statefulset.yaml' ? text.replace('echo db starting; exec httpd', 'echo db cannot open its data; exit 1; httpd') : text,
    );
    const run = await ci(p);
    const out = `${run.stdout}\n${run.stderr}`;
    expect(run.exitCode, out).not.toBe(0);
    expect(out).toContain('crash-loop');
    expect(out).toContain('db-0');
    expect(out).toContain('db cannot open its data');
  });

  it('up redeploys each kind on an edit: the StatefulSet and DaemonSet roll, the Job runs again, the Pod is re-created', async () => {
    const p = withWorkloads();
    loop = await startE2eLoop(p);
    await loop.idle();
    const first = imageOf(p, 'statefulset/db', podImage);
    const jobUid = imageOf(p, 'job/migrate', '{.metadata.uid}');
    const podUid = imageOf(p, 'pod/tool', '{.metadata.uid}');
    const index = path.join(p.dir, 'app/site/index.html');
    writeFileSync(index, `${readFileSync(index, 'utf8')}\n<!-- edited -->\n`);
    await eventually('the StatefulSet to get the new image', () => {
      const now = imageOf(p, 'statefulset/db', podImage);
      return now !== first ? now : undefined;
    });
    await eventually(
      'every resource ready again',
      () => {
        const state = loop?.store.getState();
        const names = ['hello', 'db', 'agent', 'migrate', 'tool', 'nightly'];
        return state && names.every((n) => state.resources[n]?.phase === 'ready') && state.iteration > 1 ? true : undefined;
      },
      120_000,
    );
    const second = imageOf(p, 'statefulset/db', podImage);
    expect(imageOf(p, 'daemonset/agent', podImage)).toBe(second);
    expect(imageOf(p, 'pod/tool', '{.spec.containers[0].image}')).toBe(second);
    expect(imageOf(p, 'pod/tool', '{.metadata.uid}')).not.toBe(podUid);
    expect(imageOf(p, 'job/migrate', '{.metadata.uid}')).not.toBe(jobUid);
    expect(imageOf(p, 'job/migrate', podImage)).toBe(second);
    expect(imageOf(p, 'pod', '-l app=db')).toBeDefined();
    expect(p.kubectl(['-n', p.namespace, 'get', 'pod', 'db-0', '-o', 'jsonpath={.spec.containers[0].image}'])).toBe(second);

    // The trigger key on the CronJob starts a Job from it and follows that Job; on the Job it runs it again.
    const migrateUid = imageOf(p, 'job/migrate', '{.metadata.uid}');
    const iteration = loop.store.getState().iteration;
    loop.trigger('nightly');
    loop.trigger('migrate');
    const run = await eventually('a Job started from the CronJob', () => {
      const jobs = p.kubectl([
        '-n',
        p.namespace,
        'get',
        'jobs',
        '-o',
        'jsonpath={range .items[*]}{.metadata.name} {.metadata.ownerReferences[0].kind} {.status.succeeded}{"\\n"}{end}',
      ]);
      return jobs.split('\n').find((l) => l.startsWith('nightly-') && l.endsWith('CronJob 1'));
    });
    expect(run).toBeDefined();
    await eventually('both ready again', () => {
      const state = loop?.store.getState();
      return state && state.iteration > iteration && ['nightly', 'migrate'].every((n) => state.resources[n]?.phase === 'ready')
        ? true
        : undefined;
    });
    expect(imageOf(p, 'job/migrate', '{.metadata.uid}')).not.toBe(migrateUid);
  });
});
