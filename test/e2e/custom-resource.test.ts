import { cpSync } from 'node:fs';
import * as path from 'node:path';
import { execa } from 'execa';
import { afterEach, expect, it } from 'vitest';
import { type E2eProject, e2eProject } from '../support/e2e-project.ts';
import { describeWithCluster, type TestEnvironment } from '../support/environment.ts';

const bin = path.resolve(import.meta.dirname, '../../bin/devloop.js');
const fixtures = path.resolve(import.meta.dirname, '../fixtures/custom');

/**
 * The part of an operator that matters here, run from the test: for the
 * Runner `web` it applies a Deployment owned by it, running the image in
 * `spec.runner.image` — what a real controller would do on a watch.
 */
function standInController(p: E2eProject): { stop(): void } {
  let stopped = false;
  const loop = async () => {
    while (!stopped) {
      try {
        const runner = JSON.parse(p.kubectl(['-n', p.namespace, 'get', 'runner', 'web', '-o', 'json'])) as {
          metadata: { uid: string };
          spec: { runner: { image: string } };
        };
        const deployment = {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: {
            name: 'web-runner',
            namespace: p.namespace,
            ownerReferences: [
              { apiVersion: 'e2e.example.dev/v1', kind: 'Runner', name: 'web', uid: runner.metadata.uid, controller: true },
            ],
          },
          spec: {
            replicas: 1,
            selector: { matchLabels: { app: 'web-runner' } },
            template: {
              metadata: { labels: { app: 'web-runner' } },
              spec: {
                terminationGracePeriodSeconds: 1,
                containers: [
                  {
                    name: 'web',
                    image: runner.spec.runner.image,
                    imagePullPolicy: 'IfNotPresent',
                    readinessProbe: { httpGet: { path: '/cgi-bin/health', port: 8080 }, periodSeconds: 1 },
                  },
                ],
              },
            },
          },
        };
        const applied = await execa('kubectl', ['--context', p.env.DEVLOOP_CONTEXT_FOR_TEST ?? '', 'apply', '-f', '-'], {
          input: JSON.stringify(deployment),
          env: p.env,
          reject: false,
        });
        if (applied.exitCode !== 0) process.stderr.write(`stand-in controller: ${applied.stderr}\n`);
      } catch {
        // no Runner yet
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  };
  void loop();
  return {
    stop: () => {
      stopped = true;
    },
  };
}

describeWithCluster('a custom resource whose controller makes the pods', (env: TestEnvironment) => {
  let project: E2eProject | undefined;
  let controller: { stop(): void } | undefined;
  afterEach(async () => {
    controller?.stop();
    if (project) await execa(process.execPath, [bin, 'down'], { cwd: project.dir, env: project.env, reject: false });
    project?.remove();
    project = undefined;
  });

  it('ci puts the devloop image in its image field and waits for the pods it owns to run it', async () => {
    const p = e2eProject(env, {
      config: {
        manifests: ['custom/*.yaml'],
        resources: { web: { workload: { kind: 'Runner', name: 'web', imagePaths: ['spec.runner.image'] } } },
      },
    });
    project = p;
    cpSync(fixtures, path.join(p.dir, 'custom'), { recursive: true });
    controller = standInController({ ...p, env: { ...p.env, DEVLOOP_CONTEXT_FOR_TEST: env.context } });
    const run = await execa(process.execPath, [bin, 'ci', '--timeout', '120s'], {
      cwd: p.dir,
      env: p.env,
      reject: false,
      timeout: 180_000,
    });
    const out = `${run.stdout}\n${run.stderr}`;
    expect(run.exitCode, out).toBe(0);
    expect(out).toContain('[web] ready');
    const field = p.kubectl(['-n', p.namespace, 'get', 'runner', 'web', '-o', 'jsonpath={.spec.runner.image}']);
    expect(field).toMatch(/hello-web:devloop-[0-9a-f]+$/);
    expect(
      p.kubectl(['-n', p.namespace, 'get', 'deployment', 'web-runner', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']),
    ).toBe(field);
  });

  it('a kind devloop does not know, without imagePaths, is a config error naming the key', async () => {
    const p = e2eProject(env, {
      config: { manifests: ['custom/*.yaml'], resources: { web: { workload: { kind: 'Runner', name: 'web' } } } },
    });
    project = p;
    cpSync(fixtures, path.join(p.dir, 'custom'), { recursive: true });
    const run = await execa(process.execPath, [bin, 'ci', '--timeout', '60s'], { cwd: p.dir, env: p.env, reject: false, timeout: 120_000 });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('resources.web.workload.kind: devloop does not know how Runner runs pods');
  });
});
