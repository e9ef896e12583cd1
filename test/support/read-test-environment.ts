import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The real Docker engine, registry and Kubernetes that the integration tests
 * and the benchmarks run against: the one `scripts/test-env up` starts (its
 * `env.json`), or your own k3d cluster described by DEVLOOP_TEST_* variables
 * (see docs/test-environment.md). Plain Node: the benchmarks load it without vitest.
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
  /** The engine's DOCKER_HOST, when the environment names one. */
  readonly dockerHost: string | undefined;
  /** The kubectl built with the cluster (only `env.json` names it). */
  readonly kubectl: string | undefined;
  /** The state directory of `scripts/test-env`, when the environment is that one. */
  readonly home: string | undefined;
}

export type TestEnvironmentFacts = { readonly ok: true; readonly env: TestEnvironment } | { readonly ok: false; readonly reason: string };

type Variables = Readonly<Record<string, string | undefined>>;

/** Where `scripts/test-env` keeps its state, `env.json` among it. */
export function testEnvHome(vars: Variables = process.env): string {
  return vars.DEVLOOP_TEST_ENV_HOME ?? '/var/lib/devloop-test-env';
}

/** The environment the DEVLOOP_TEST_* variables describe (your own cluster, or `eval "$(scripts/test-env env)"`). */
export function fromVariables(vars: Variables = process.env): TestEnvironmentFacts {
  const context = vars.DEVLOOP_TEST_CONTEXT;
  const registryHost = vars.DEVLOOP_TEST_REGISTRY_HOST;
  if (!context || !registryHost) return { ok: false, reason: 'DEVLOOP_TEST_CONTEXT and DEVLOOP_TEST_REGISTRY_HOST are not both set' };
  return {
    ok: true,
    env: {
      kubeconfig: vars.KUBECONFIG ?? path.join(vars.HOME ?? '/root', '.kube/config'),
      context,
      cluster: vars.DEVLOOP_TEST_CLUSTER ?? context.replace(/^k3d-/, ''),
      registryHost,
      registryFromCluster: vars.DEVLOOP_TEST_REGISTRY_CLUSTER ?? registryHost,
      k3dBinDir: vars.DEVLOOP_TEST_K3D_BIN_DIR || undefined,
      dockerHost: vars.DOCKER_HOST || undefined,
      kubectl: undefined,
      home: vars.DEVLOOP_TEST_ENV_HOME || undefined,
    },
  };
}

/** The environment `scripts/test-env up` wrote to `<home>/env.json` once everything was ready. */
export function fromStateFile(home: string = testEnvHome()): TestEnvironmentFacts {
  const file = path.join(home, 'env.json');
  if (!existsSync(file)) return { ok: false, reason: `${file} not found: the test environment is not up` };
  const facts = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  if (facts.ready !== true) return { ok: false, reason: `${file} does not say ready: true` };
  const text = (key: string) => (typeof facts[key] === 'string' && facts[key] !== '' ? facts[key] : undefined);
  const missing = ['kubeconfig', 'context', 'cluster', 'registryHost', 'registryFromCluster'].filter((key) => text(key) === undefined);
  if (missing.length > 0) return { ok: false, reason: `${file} names no ${missing.join(', ')}` };
  return {
    ok: true,
    env: {
      kubeconfig: String(facts.kubeconfig),
      context: String(facts.context),
      cluster: String(facts.cluster),
      registryHost: String(facts.registryHost),
      registryFromCluster: String(facts.registryFromCluster),
      k3dBinDir: text('k3dBinDir'),
      dockerHost: text('dockerHost'),
      kubectl: text('kubectl'),
      home,
    },
  };
}

/** The variables when they describe an environment, otherwise `env.json`. */
export function readTestEnvironment(vars: Variables = process.env): TestEnvironmentFacts {
  const described = fromVariables(vars);
  return described.ok ? described : fromStateFile(testEnvHome(vars));
}

/** The variables `scripts/test-env env` prints for this environment, for processes that should use it. */
export function environmentVariables(env: TestEnvironment): Record<string, string> {
  const optional = (name: string, value: string | undefined) => (value ? { [name]: value } : {});
  return {
    KUBECONFIG: env.kubeconfig,
    DEVLOOP_TEST_CONTEXT: env.context,
    DEVLOOP_TEST_CLUSTER: env.cluster,
    DEVLOOP_TEST_REGISTRY_HOST: env.registryHost,
    DEVLOOP_TEST_REGISTRY_CLUSTER: env.registryFromCluster,
    ...optional('DEVLOOP_TEST_K3D_BIN_DIR', env.k3dBinDir),
    ...optional('DEVLOOP_TEST_ENV_HOME', env.home),
    ...optional('DOCKER_HOST', env.dockerHost),
  };
}
