import { afterEach, describe, expect, it } from 'vitest';
import { runDevloop } from '../../test/support/cli-harness.ts';
import { type TempProject, tempProject } from '../../test/support/temp-project.ts';
import { FakeRunner } from '../system/fake-runner.ts';

const kubeconfig = `apiVersion: v1
kind: Config
clusters: [{ name: other, cluster: { server: 'https://127.0.0.1:1' } }]
users: [{ name: other, user: {} }]
contexts: [{ name: k3d-other, context: { cluster: other, user: other } }]
current-context: k3d-other
`;

let project: TempProject;
afterEach(() => project?.remove());

function setUp() {
  project = tempProject({
    'devloop.config.json': JSON.stringify({ images: { web: { context: 'web' } }, cluster: { k3d: { name: 'dev' } } }),
    'web/Dockerfile': 'FROM busybox:1.36\n',
    kubeconfig,
  });
  // No sandbox either: the machine running the tests may have one.
  return { KUBECONFIG: `${project.dir}/kubeconfig`, CI: 'true', DEVLOOP_TEST_ENV_HOME: `${project.dir}/no-sandbox` };
}

describe('devloop up without its cluster', () => {
  it('says to run devloop cluster create when k3d is installed (no terminal or CI: no question)', async () => {
    const env = setUp();
    const runner = new FakeRunner().on('k3d', { stdout: 'k3d version v5.8.3' });
    const run = await runDevloop(['up'], { cwd: project.dir, env, runner });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('kube context k3d-dev does not exist');
    expect(run.stderr).toContain('devloop cluster create');
    expect(runner.calls.map((c) => `${c.command} ${c.args.join(' ')}`)).toEqual(['k3d version']);
  });

  it('says how to install k3d when it is missing', async () => {
    const env = setUp();
    const run = await runDevloop(['up'], { cwd: project.dir, env, runner: new FakeRunner() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('k3d is not installed');
  });
});
