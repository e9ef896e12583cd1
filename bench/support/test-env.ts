import * as path from 'node:path';
import { ExecaRunner } from '../../src/system/execa-runner.ts';
import { succeeded } from '../../src/system/process-runner.ts';
import { environmentVariables, readTestEnvironment, type TestEnvironment } from '../../test/support/read-test-environment.ts';

export type { TestEnvironment };

/** The repository root (bench/ lives directly under it). */
export const repoRoot = path.resolve(import.meta.dirname, '../..');

/** The runner the bench uses for its own commands (never counted as devloop's). */
export const benchRunner = new ExecaRunner();

/**
 * Reads the test environment (read-test-environment.ts: the DEVLOOP_TEST_*
 * variables, or what `scripts/test-env up` wrote), exports it into this
 * process (devloop runs in-process and as children with the same variables),
 * and waits until Docker and the API server answer: the environment may be
 * restarting for a few seconds.
 */
export async function openEnvironment(options: { waitMs?: number; log: (line: string) => void }): Promise<TestEnvironment> {
  const facts = readTestEnvironment();
  if (!facts.ok) throw new Error(`no test environment (${facts.reason}); start it with \`sudo scripts/test-env up\``);
  const env = facts.env;
  for (const [key, value] of Object.entries(environmentVariables(env))) process.env[key] = value;
  if (env.k3dBinDir && !(process.env.PATH ?? '').split(':').includes(env.k3dBinDir)) {
    process.env.PATH = `${env.k3dBinDir}:${process.env.PATH ?? ''}`;
  }
  await waitUntilUp(env, options);
  return env;
}

/** Resolves when `docker version` and the API server's /readyz answer; throws after `waitMs`. */
export async function waitUntilUp(env: TestEnvironment, options: { waitMs?: number; log: (line: string) => void }): Promise<void> {
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
export async function kubectl(env: TestEnvironment, args: readonly string[], options: { allowFailure?: boolean } = {}): Promise<string> {
  const result = await benchRunner.run('kubectl', ['--context', env.context, ...args], { timeoutMs: 60_000 });
  if (!succeeded(result) && !options.allowFailure) throw new Error(`kubectl ${args.join(' ')}: ${result.stderr.trim()}`);
  return result.stdout;
}
