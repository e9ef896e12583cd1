import { k3dClusterOfContext } from '../deliver/local-context.ts';
import { loadKubeconfig, selectContext } from '../k8s/kubeconfig.ts';
import type { FileSystem } from '../system/file-system.ts';
import type { ProcessRunner } from '../system/process-runner.ts';

/**
 * What `devloop up` does about a configured k3d context that does not exist
 * yet: nothing (it exists, or is not a k3d one), refuse with what to run, or
 * ask whether to create the cluster now.
 */
export type ClusterOffer =
  | { readonly kind: 'none' }
  | { readonly kind: 'refuse'; readonly message: string; readonly hint: string }
  | { readonly kind: 'ask'; readonly question: string; readonly declined: string };

/** Asks only on a terminal outside CI, and only when k3d is installed. */
export async function clusterOffer(options: {
  readonly fs: FileSystem;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly runner: ProcessRunner;
  readonly context: string;
  /** A person can answer: a terminal, outside CI. */
  readonly interactive: boolean;
}): Promise<ClusterOffer> {
  const { context } = options;
  const loaded = await loadKubeconfig({ env: options.env, fs: options.fs });
  if (loaded.ok && selectContext(loaded.value, context).ok) return { kind: 'none' };
  const cluster = k3dClusterOfContext(context);
  if (!cluster) return { kind: 'none' };
  const k3d = await options.runner.run('k3d', ['version'], { timeoutMs: 10_000 });
  if (k3d.notFound) {
    return {
      kind: 'refuse',
      message: `kube context ${context} does not exist, and k3d is not installed.`,
      hint: 'install k3d (https://k3d.io/#installation), then run `devloop cluster create`',
    };
  }
  if (!options.interactive) {
    return {
      kind: 'refuse',
      message: `kube context ${context} does not exist.`,
      hint: `create the k3d cluster "${cluster}" with its registry: devloop cluster create`,
    };
  }
  return {
    kind: 'ask',
    question: `kube context ${context} does not exist. Create the k3d cluster "${cluster}" with its registry now? [Y/n] `,
    declined: 'not creating it; `devloop cluster create` does it later.',
  };
}
