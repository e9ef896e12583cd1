import { afterEach, describe, expect, it } from 'vitest';
import { runDevloop } from '../../test/support/cli-harness.ts';
import { type TempProject, tempProject } from '../../test/support/temp-project.ts';
import { FakeRunner } from '../system/fake-runner.ts';

/** A kube context `k3d-dev` whose API server refuses connections, and another one. */
const kubeconfig = `apiVersion: v1
kind: Config
clusters: [{ name: dev, cluster: { server: 'https://127.0.0.1:1' } }]
users: [{ name: dev, user: {} }]
contexts: [{ name: k3d-dev, context: { cluster: dev, user: dev } }, { name: k3d-other, context: { cluster: dev, user: dev } }]
current-context: k3d-dev
`;

let project: TempProject;
afterEach(() => project?.remove());

function setUp(cluster: Record<string, unknown>) {
  project = tempProject({
    'devloop.config.json': JSON.stringify({ images: { web: { context: 'web' } }, cluster }),
    'web/Dockerfile': 'FROM busybox:1.36\n',
    kubeconfig,
  });
  // No sandbox either: the machine running the tests may have one.
  return { KUBECONFIG: `${project.dir}/kubeconfig`, CI: 'true', DEVLOOP_TEST_ENV_HOME: `${project.dir}/no-sandbox` };
}

const lastLine = (text: string) => JSON.parse(text.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;

describe('how a loop run ends: the JSON exit event and the exit code agree', () => {
  it('a context that does not exist is usage: exit 2 in both', async () => {
    const env = setUp({ context: 'k3d-missing' });
    const run = await runDevloop(['ci', '--output', 'json'], { cwd: project.dir, env, runner: new FakeRunner() });
    expect(run.code).toBe(2);
    expect(lastLine(run.stdout)).toEqual({ event: 'exit', code: 2 });
  });

  it('an internal error ends `ci` at once with exit 1 in both, one line and no stack', async () => {
    const env = setUp({ context: 'k3d-dev' });
    const started = Date.now();
    const run = await runDevloop(['ci', '--output', 'json', '--timeout', '10m'], {
      cwd: project.dir,
      env,
      runner: new FakeRunner(),
      // What main() wires to uncaughtException / unhandledRejection.
      faults: (listener) => {
        queueMicrotask(() => listener(new TypeError("Cannot read properties of undefined (reading 'status')")));
        return () => undefined;
      },
    });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(run.code).toBe(1);
    const events = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; diagnostics?: { code: string; message: string }[] });
    expect(events.at(-1)).toEqual({ event: 'exit', code: 1 });
    expect(events.at(-2)?.diagnostics?.[0]).toMatchObject({
      code: 'internal-error',
      message: "internal error: Cannot read properties of undefined (reading 'status')",
    });
  });

  it('an internal error under `up --output plain` prints one line and a hint on stderr, exit 1', async () => {
    const env = setUp({ context: 'k3d-dev' });
    const run = await runDevloop(['up', '--output', 'plain'], {
      cwd: project.dir,
      env,
      runner: new FakeRunner(),
      faults: (listener) => {
        queueMicrotask(() => listener(new Error('boom\n    at somewhere (file.js:1:1)')));
        return () => undefined;
      },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error: internal error: boom\n  hint: this is a bug in devloop');
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });
});
