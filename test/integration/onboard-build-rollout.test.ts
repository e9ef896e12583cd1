import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ExecaRunner } from '../../src/system/execa-runner.ts';
import { type RunResult, succeeded } from '../../src/system/process-runner.ts';
import { runDevloop } from '../support/cli-harness.ts';
import { describeWithCluster, describeWithDocker } from '../support/environment.ts';

/**
 * `devloop init` output built by the real Docker engine and rolled out on the
 * test cluster. The machines have no python/node/golang images, so the
 * projects are generated with `--base-image` pointing at a local stand-in
 * (test/fixtures/onboard/standin: busybox with tiny pip, fastapi, npm, node
 * and go commands that work offline). Every instruction of the generated
 * Dockerfiles runs for real against it; only the language runtimes are fakes.
 */
const fixtures = path.resolve(import.meta.dirname, '../fixtures/onboard');
const standin = 'devloop-test/onboard-standin:1';
const runner = new ExecaRunner();
const dirs: string[] = [];
const tag = `t${Date.now().toString(36)}`;

async function run(command: string, args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<RunResult> {
  const result = await runner.run(command, args, { ...options, timeoutMs: 170_000 });
  if (!succeeded(result)) throw new Error(`${command} ${args.join(' ')} failed (${result.exitCode}): ${result.stderr || result.stdout}`);
  return result;
}

const docker = (args: string[], cwd?: string) => run('docker', args, { ...(cwd ? { cwd } : {}), env: { DOCKER_BUILDKIT: '0' } });

async function initProject(fixture: string, flags: string[]): Promise<string> {
  const parent = mkdtempSync(path.join(tmpdir(), 'devloop-onboard-'));
  dirs.push(parent);
  const dir = path.join(parent, fixture);
  cpSync(path.join(fixtures, fixture), dir, { recursive: true });
  const init = await runDevloop(['init', '--yes', ...flags], { cwd: dir });
  expect(init.stderr).toBe('');
  expect(init.code).toBe(0);
  return dir;
}

afterAll(async () => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describeWithDocker('generated projects build with the real Docker engine', () => {
  beforeAll(async () => {
    await docker(['build', '-q', '-t', standin, path.join(fixtures, 'standin')]);
  });

  it.each(['python-fastapi', 'node-express'])(
    '%s: builds, runs as a non-root user, and a code edit keeps the install layer cached',
    async (fixture) => {
      const dir = await initProject(fixture, ['--base-image', standin]);
      const image = `devloop-onboard/${fixture}:${tag}`;
      await docker(['build', '-t', image, '.'], dir);
      const inspect = JSON.parse((await docker(['image', 'inspect', image])).stdout)[0];
      expect(inspect.Config.User).toBe('10001:10001');
      expect(inspect.Config.ExposedPorts).toEqual({ '8080/tcp': {} });
      const files = (await docker(['run', '--rm', '--network', 'host', '--entrypoint', 'ls', image, '-A', '/app'])).stdout.split('\n');
      expect(files).not.toContain('.dockerignore');
      expect(files).not.toContain('devloop.config.ts');
      expect(files).not.toContain('k8s');
      if (fixture === 'node-express') expect(files).toContain('node_modules');
      // A code edit rebuilds from the code COPY on: the dependency install stays cached.
      const source = fixture === 'node-express' ? 'server.js' : 'app/main.py';
      writeFileSync(path.join(dir, source), `${readFileSync(path.join(dir, source), 'utf8')}\n// edited\n`);
      const rebuild = await docker(['build', '-t', image, '.'], dir);
      const install = rebuild.stdout.split('\n').findIndex((l) => /RUN (pip|npm)/.test(l));
      expect(install).toBeGreaterThan(0);
      expect(rebuild.stdout.split('\n')[install + 1]).toContain('Using cache');
      await docker(['image', 'rm', image]);
    },
  );

  it('go-hello: both stages build and the final image holds only the binary, as a non-root user', async () => {
    const dir = await initProject('go-hello', ['--base-image', standin, '--runtime-image', 'busybox:1.36']);
    const image = `devloop-onboard/go-hello:${tag}`;
    await docker(['build', '-t', image, '.'], dir);
    const inspect = JSON.parse((await docker(['image', 'inspect', image])).stdout)[0];
    expect(inspect.Config.User).toBe('65532:65532');
    expect(inspect.Config.Entrypoint).toEqual(['/app']);
    expect((await docker(['run', '--rm', '--network', 'host', image])).stdout).toContain('go stand-in binary built from .');
    await docker(['image', 'rm', image]);
  });
});

describeWithCluster('generated projects roll out on the test cluster', (env) => {
  const namespace = `onboard-${tag}`;
  const kubectl = (args: string[]) => run('kubectl', ['--context', env.context, ...args], { env: { KUBECONFIG: env.kubeconfig } });

  beforeAll(async () => {
    await docker(['build', '-q', '-t', standin, path.join(fixtures, 'standin')]);
    await kubectl(['create', 'namespace', namespace]);
  });
  afterAll(async () => {
    await runner.run('kubectl', ['--context', env.context, 'delete', 'namespace', namespace, '--wait=false'], {
      env: { KUBECONFIG: env.kubeconfig },
    });
  });

  it.each(['python-fastapi', 'node-express'])('%s: pushed to the registry, applied, Ready through its probes', async (fixture) => {
    const dir = await initProject(fixture, ['--base-image', standin, '--cluster', env.cluster, '--name', fixture]);
    const repository = `devloop-onboard-${fixture}`;
    const pushRef = `${env.registryHost}/${repository}:${tag}`;
    await docker(['build', '-t', pushRef, '.'], dir);
    await docker(['push', pushRef]);
    const manifest = readFileSync(path.join(dir, `k8s/${fixture}.yaml`), 'utf8').replace(
      `image: ${fixture}\n`,
      `image: ${env.registryFromCluster}/${repository}:${tag}\n`,
    );
    expect(manifest).toContain(`image: ${env.registryFromCluster}/`);
    const applied = await runner.run('kubectl', ['--context', env.context, '-n', namespace, 'apply', '-f', '-'], {
      input: manifest,
      env: { KUBECONFIG: env.kubeconfig },
    });
    expect(applied.stderr).toBe('');
    expect(applied.stdout).toContain(`deployment.apps/${fixture} created`);
    const started = performance.now();
    await kubectl(['-n', namespace, 'rollout', 'status', `deployment/${fixture}`, '--timeout=150s']);
    const pods = JSON.parse(
      (await kubectl(['-n', namespace, 'get', 'pods', '-l', `app.kubernetes.io/name=${fixture}`, '-o', 'json'])).stdout,
    );
    const pod = pods.items[0];
    expect(pod.status.conditions.find((c: { type: string }) => c.type === 'Ready').status).toBe('True');
    expect(pod.spec.containers[0].readinessProbe.httpGet.path).toBe('/healthz');
    expect(pod.status.containerStatuses[0].restartCount).toBe(0);
    process.stdout.write(`${fixture}: Ready ${Math.round(performance.now() - started)} ms after apply\n`);
    await docker(['image', 'rm', pushRef]);
  });

  it.each(['python-fastapi', 'node-express'])(
    '%s: `devloop ci` runs the generated project unchanged (build, push, apply, Ready)',
    async (fixture) => {
      const name = `ci-${fixture}`;
      const dir = await initProject(fixture, ['--base-image', standin, '--cluster', env.cluster, '--name', name]);
      const variables = {
        PATH: `${env.k3dBinDir ?? ''}:${process.env.PATH}`,
        KUBECONFIG: env.kubeconfig,
        HOME: process.env.HOME,
        DOCKER_BUILDKIT: '0',
      };
      try {
        const ci = await runDevloop(['ci', '--timeout', '150s', '--namespace', namespace], { cwd: dir, env: variables });
        expect(ci.stdout).toMatch(/delivered( by registry-push|: already in the registry)/);
        expect(ci.stdout).toMatch(new RegExp(`\\[${name}\\] ready in`));
        expect(ci.code).toBe(0);
      } finally {
        await runDevloop(['down', '--namespace', namespace], { cwd: dir, env: variables });
      }
    },
  );
});
