import * as path from 'node:path';
import type { Origin } from '../config/layers.ts';
import type { ResolvedConfig } from '../config/resolved-config.ts';
import { k3dClusterOfContext } from '../deliver/local-context.ts';
import { loadKubeconfig, selectContext } from '../k8s/kubeconfig.ts';
import type { FileSystem } from '../system/file-system.ts';

/** Where `npm run sandbox` keeps its state unless `DEVLOOP_TEST_ENV_HOME` says otherwise. */
export const defaultSandboxHome = '/var/lib/devloop-test-env';

/** The sandbox cluster devloop can fall back on: its kubeconfig, context and k3d cluster name. */
export interface Sandbox {
  readonly home: string;
  readonly kubeconfig: string;
  readonly context: string;
  readonly cluster: string;
}

/**
 * The sandbox that `npm run sandbox` (this repository's bundled Docker
 * engine, registry and single-node Kubernetes) left ready, when the
 * configured context is a k3d one that this machine's kubeconfig does not
 * have: a newcomer without k3d can run `devloop up` on it. Undefined when the
 * configured context exists, is not a k3d context, or there is no ready
 * sandbox whose kubeconfig holds its context.
 */
export async function sandboxInstead(options: {
  readonly fs: FileSystem;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly context: string;
}): Promise<Sandbox | undefined> {
  const { fs, env, context } = options;
  if (!k3dClusterOfContext(context)) return undefined;
  const mine = await loadKubeconfig({ env, fs });
  if (mine.ok && selectContext(mine.value, context).ok) return undefined;
  const home = env.DEVLOOP_TEST_ENV_HOME ?? defaultSandboxHome;
  const sandbox = await readSandbox(fs, home);
  if (!sandbox) return undefined;
  const theirs = await loadKubeconfig({ env, fs, file: sandbox.kubeconfig });
  return theirs.ok && selectContext(theirs.value, sandbox.context).ok ? sandbox : undefined;
}

/** `env.json` of a sandbox that finished coming up (`ready: true`), or undefined. */
async function readSandbox(fs: FileSystem, home: string): Promise<Sandbox | undefined> {
  const text = await fs.readText(path.join(home, 'env.json')).catch(() => undefined);
  if (!text) return undefined;
  try {
    const env = JSON.parse(text) as { kubeconfig?: unknown; context?: unknown; cluster?: unknown; ready?: unknown };
    if (env.ready !== true || typeof env.kubeconfig !== 'string' || typeof env.context !== 'string' || typeof env.cluster !== 'string')
      return undefined;
    return { home, kubeconfig: env.kubeconfig, context: env.context, cluster: env.cluster };
  } catch {
    return undefined;
  }
}

/** A run on the sandbox's cluster instead of a missing k3d context. */
export interface SandboxTarget {
  /** The sandbox's kubeconfig, for `KUBECONFIG`. */
  readonly kubeconfig: string;
  /** The configuration pointed at the sandbox's context and k3d cluster; also for a configuration loaded again after an edit. */
  readonly retarget: (config: ResolvedConfig) => ResolvedConfig;
  /** What to tell the user. */
  readonly notice: string;
}

/**
 * `up`, `ci` and `down` on a machine whose kubeconfig lacks the k3d context
 * derived from `cluster.k3d.name` but where `npm run sandbox` left its
 * cluster ready use the sandbox's kubeconfig, context and k3d cluster. A
 * context named outright (`cluster.context`, `DEVLOOP_CONTEXT`, `--context`)
 * is never replaced: a typo there stays an error.
 */
export async function sandboxTarget(options: {
  readonly fs: FileSystem;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly config: ResolvedConfig;
  /** Where `cluster.context` came from. */
  readonly contextOrigin: Origin | undefined;
}): Promise<SandboxTarget | undefined> {
  const { config, contextOrigin } = options;
  if (contextOrigin && contextOrigin.kind !== 'default') return undefined;
  const sandbox = await sandboxInstead({ fs: options.fs, env: options.env, context: config.cluster.context });
  if (!sandbox) return undefined;
  const missing = config.cluster.context;
  return {
    kubeconfig: sandbox.kubeconfig,
    retarget: (next) =>
      next.cluster.context === missing
        ? { ...next, cluster: { ...next.cluster, context: sandbox.context, k3d: { ...next.cluster.k3d, name: sandbox.cluster } } }
        : next,
    notice: `kube context ${missing} does not exist on this machine: using the sandbox's cluster instead (context ${sandbox.context} in ${sandbox.kubeconfig}, made by \`npm run sandbox\`)`,
  };
}
