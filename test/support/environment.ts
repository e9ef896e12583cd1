import { execFileSync } from 'node:child_process';
import { describe, it } from 'vitest';
import { readTestEnvironment, type TestEnvironment } from './read-test-environment.ts';

export type { TestEnvironment };

/**
 * Whether suites that need the real Docker engine, registry and Kubernetes can
 * run: the environment `scripts/test-env up` starts, or your own k3d cluster
 * with `DEVLOOP_TEST_ENV=external` and the DEVLOOP_TEST_* variables
 * (read-test-environment.ts reads either). Under `CI` a missing component
 * FAILS the tests that need it.
 */
type Availability = { readonly ok: true; readonly env: TestEnvironment } | { readonly ok: false; readonly reason: string };

function probe(command: string, args: string[], env?: NodeJS.ProcessEnv): string | undefined {
  try {
    execFileSync(command, args, { stdio: 'pipe', timeout: 15_000, env: { ...process.env, ...env } });
    return undefined;
  } catch (error) {
    const e = error as { stderr?: Buffer; message: string };
    return (e.stderr?.toString().trim() || e.message).split('\n')[0];
  }
}

let dockerCache: Availability | undefined;
let clusterCache: Availability | undefined;

/** Docker engine and registry: answers whether they can be used, and why not. */
export function dockerAvailability(): Availability {
  dockerCache ??= checkDocker();
  return dockerCache;
}

/** Docker, registry and the Kubernetes cluster. */
export function clusterAvailability(): Availability {
  clusterCache ??= checkCluster();
  return clusterCache;
}

function checkDocker(): Availability {
  const facts = readTestEnvironment();
  if (!facts.ok) {
    return {
      ok: false,
      reason: 'no test environment: run `scripts/test-env up` (or set DEVLOOP_TEST_ENV=external and the DEVLOOP_TEST_* variables)',
    };
  }
  const problem = probe('docker', ['version', '--format', '{{.Server.Version}}']);
  return problem ? { ok: false, reason: `Docker engine not reachable: ${problem}` } : { ok: true, env: facts.env };
}

function checkCluster(): Availability {
  const docker = dockerAvailability();
  if (!docker.ok) return docker;
  const { context, kubeconfig } = docker.env;
  const problem = probe('kubectl', ['--context', context, 'get', '--raw', '/readyz'], { KUBECONFIG: kubeconfig });
  return problem ? { ok: false, reason: `Kubernetes API not reachable through context ${context}: ${problem}` } : docker;
}

function describeWith(availability: () => Availability) {
  return (name: string, body: (env: TestEnvironment) => void) => {
    const a = availability();
    if (a.ok) return describe(name, () => body(a.env));
    if (process.env.CI) {
      return describe(name, () => {
        it('needs the real test environment', () => {
          throw new Error(`${a.reason} (CI is set, so this fails instead of skipping)`);
        });
      });
    }
    return describe.skip(`${name} (skipped: ${a.reason})`, () => body(undefined as unknown as TestEnvironment));
  };
}

/** A suite that needs the real Docker engine and registry; fails under CI when they are missing. */
export const describeWithDocker = describeWith(dockerAvailability);
/** A suite that needs Docker, the registry and the Kubernetes cluster; fails under CI when they are missing. */
export const describeWithCluster = describeWith(clusterAvailability);
