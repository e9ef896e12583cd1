import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'vitest';

/**
 * The real Docker engine, registry and Kubernetes the integration tests run
 * against: the one `scripts/test-env up` starts (facts read from its env.json),
 * or your own k3d cluster with `DEVLOOP_TEST_ENV=external` and the variables
 * below. Under `CI` a missing component FAILS the tests that need it.
 */
export interface TestEnvironment {
  readonly kubeconfig: string;
  readonly context: string;
  /** k3d cluster name (`k3d cluster list` shows it). */
  readonly cluster: string;
  /** Registry as the host pushes to it, e.g. `localhost:5000`. */
  readonly registryHost: string;
  /** Registry as the nodes pull from it, e.g. `k3d-registry.localhost:5000`. */
  readonly registryFromCluster: string;
  /** Directory holding the `k3d` executable the tests put first on PATH. */
  readonly k3dBinDir: string | undefined;
}

type Availability = { readonly ok: true; readonly env: TestEnvironment } | { readonly ok: false; readonly reason: string };

const stateDir = process.env.DEVLOOP_TEST_ENV_HOME ?? '/var/lib/devloop-test-env';

function fromVariables(): TestEnvironment | undefined {
  const v = process.env;
  if (!v.DEVLOOP_TEST_CONTEXT || !v.DEVLOOP_TEST_REGISTRY_HOST) return undefined;
  return {
    kubeconfig: v.KUBECONFIG ?? path.join(v.HOME ?? '/root', '.kube/config'),
    context: v.DEVLOOP_TEST_CONTEXT,
    cluster: v.DEVLOOP_TEST_CLUSTER ?? v.DEVLOOP_TEST_CONTEXT.replace(/^k3d-/, ''),
    registryHost: v.DEVLOOP_TEST_REGISTRY_HOST,
    registryFromCluster: v.DEVLOOP_TEST_REGISTRY_CLUSTER ?? v.DEVLOOP_TEST_REGISTRY_HOST,
    k3dBinDir: v.DEVLOOP_TEST_K3D_BIN_DIR,
  };
}

function fromStateFile(): TestEnvironment | undefined {
  const file = path.join(stateDir, 'env.json');
  if (!existsSync(file)) return undefined;
  const facts = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  if (facts.ready !== true) return undefined;
  return {
    kubeconfig: String(facts.kubeconfig),
    context: String(facts.context),
    cluster: String(facts.cluster),
    registryHost: String(facts.registryHost),
    registryFromCluster: String(facts.registryFromCluster),
    k3dBinDir: facts.k3dBinDir ? String(facts.k3dBinDir) : undefined,
  };
}

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
  const env = fromVariables() ?? fromStateFile();
  if (!env) {
    return {
      ok: false,
      reason: 'no test environment: run `scripts/test-env up` (or set DEVLOOP_TEST_ENV=external and the DEVLOOP_TEST_* variables)',
    };
  }
  const problem = probe('docker', ['version', '--format', '{{.Server.Version}}']);
  return problem ? { ok: false, reason: `Docker engine not reachable: ${problem}` } : { ok: true, env };
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
