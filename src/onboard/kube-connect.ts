import { err, ok, type Result } from '../core/result.ts';
import { type KubeContextInfo, type LoadedKubeconfig, loadKubeconfig, selectContext } from '../k8s/kubeconfig.ts';
import { NodeKubeClient } from '../k8s/node-kube-client.ts';
import type { FileSystem } from '../system/file-system.ts';
import type { KubeConnect } from './cluster-verify.ts';

/** The kubeconfig as doctor and `cluster` show it: files, current context, contexts. */
export interface KubeContexts {
  readonly files: readonly string[];
  readonly current: string | undefined;
  readonly contexts: readonly KubeContextInfo[];
}

async function load(fs: FileSystem, env: Readonly<Record<string, string | undefined>>): Promise<Result<LoadedKubeconfig, string>> {
  const loaded = await loadKubeconfig({ env, fs });
  return loaded.ok ? ok(loaded.value) : err(loaded.error.message);
}

/** Reads the kubeconfig's contexts (names and servers only, never credentials). */
export async function readKubeContexts(
  fs: FileSystem,
  env: Readonly<Record<string, string | undefined>>,
): Promise<Result<KubeContexts, string>> {
  const loaded = await load(fs, env);
  if (!loaded.ok) return loaded;
  return ok({ files: loaded.value.files, current: loaded.value.currentContext, contexts: loaded.value.contexts });
}

/**
 * A `KubeConnect` over the real kubeconfig: each call reloads it, so a
 * context k3d has just written is found.
 */
export function kubeConnector(fs: FileSystem, env: Readonly<Record<string, string | undefined>>): KubeConnect {
  return async (context) => {
    const loaded = await load(fs, env);
    if (!loaded.ok) return loaded;
    const selected = selectContext(loaded.value, context);
    if (!selected.ok) return err(selected.error.message);
    return ok(new NodeKubeClient({ config: selected.value.config }));
  };
}
