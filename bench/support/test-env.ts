import * as path from 'node:path';
import { ExecaRunner } from '../../src/system/execa-runner.ts';
import { succeeded } from '../../src/system/process-runner.ts';

/** The repository root (bench/ lives directly under it). */
export const repoRoot = path.resolve(import.meta.dirname, '../..');

/** The real Docker engine, registry and Kubernetes the benchmarks run against (`scripts/test-env`). */
export interface BenchEnvironment {
  readonly kubeconfig: string;
  readonly context: string;
  readonly cluster: string;
  readonly registryHost: string;
  readonly registryFromCluster: string;
  /** Directory of the environment's `k3d`, put first on PATH. */
  readonly k3dBinDir: string | undefined;
}

/** The runner the bench uses for its own commands (never counted as devloop's). */
export const benchRunner = new ExecaRunner();

/**
 * Reads the test environment from `scripts/test-env env`, exports it into this
 * process (devloop runs in-process and as children with the same variables),
 * and waits until Docker and the API server answer: the environment may be
 * restarting for a few seconds.
 */
export async function openEnvironment(options: { waitMs?: number; log: (line: string) => void }): Promise<BenchEnvironment> {
  const printed = await benchRunner.run(path.join(repoRoot, 'scripts/test-env'), ['env']);
  if (!succeeded(printed)) throw new Error(`scripts/test-env env failed: ${printed.stderr.trim()}`);
  const vars: Record<string, string> = {};
  for (const line of printed.stdout.split('\n')) {
    const match = /^export ([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match?.[1]) vars[match[1]] = (match[2] ?? '').replace(/^(['"])(.*)\1$/, '$2');
  }
  const context = process.env.DEVLOOP_TEST_CONTEXT ?? vars.DEVLOOP_TEST_CONTEXT;
  const registryHost = process.env.DEVLOOP_TEST_REGISTRY_HOST ?? vars.DEVLOOP_TEST_REGISTRY_HOST;
  if (!context || !registryHost) throw new Error('scripts/test-env env named no context or registry');
  for (const [key, value] of Object.entries(vars)) process.env[key] ??= value;
  const env: BenchEnvironment = {
    kubeconfig: process.env.KUBECONFIG ?? '/var/lib/devloop-test-env/kubeconfig',
    context,
    cluster: process.env.DEVLOOP_TEST_CLUSTER ?? context.replace(/^k3d-/, ''),
    registryHost,
    registryFromCluster: process.env.DEVLOOP_TEST_REGISTRY_CLUSTER ?? registryHost,
    k3dBinDir: process.env.DEVLOOP_TEST_K3D_BIN_DIR,
  };
  if (env.k3dBinDir && !(process.env.PATH ?? '').split(':').includes(env.k3dBinDir)) {
    process.env.PATH = `${env.k3dBinDir}:${process.env.PATH ?? ''}`;
  }
  await waitUntilUp(env, options);
  return env;
}

/** Resolves when `docker version` and the API server's /readyz answer; throws after `waitMs`. */
export async function waitUntilUp(env: BenchEnvironment, options: { waitMs?: number; log: (line: string) => void }): Promise<void> {
  const deadline = Date.now() + (options.waitMs ?? 180_000);
  let said = false;
  for (;;) {
    const docker = await benchRunner.run('docker', ['version', '--format', '{{.Server.Version}}'], { timeoutMs: 15_000 });
    const kube = await benchRunner.run('kubectl', ['--context', env.context, 'get', '--raw', '/readyz'], { timeoutMs: 15_000 });
    if (succeeded(docker) && succeeded(kube)) return;
    if (Date.now() > deadline) {
      const why = !succeeded(docker) ? `docker: ${docker.stderr.trim()}` : `kubernetes: ${kube.stderr.trim()}`;
      throw new Error(`test environment not reachable (${why}); start it with \`sudo scripts/test-env up\``);
    }
    if (!said) options.log('waiting for the test environment (Docker and the API server) to answer…');
    said = true;
    await new Promise((resolve) => setTimeout(resolve, 3000));
  }
}

/** `kubectl --context <ctx> …` through the bench runner; throws on failure. */
export async function kubectl(env: BenchEnvironment, args: readonly string[], options: { allowFailure?: boolean } = {}): Promise<string> {
  const result = await benchRunner.run('kubectl', ['--context', env.context, ...args], { timeoutMs: 60_000 });
  if (!succeeded(result) && !options.allowFailure) throw new Error(`kubectl ${args.join(' ')}: ${result.stderr.trim()}`);
  return result.stdout;
}
