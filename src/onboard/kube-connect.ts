import type { Diagnostic } from '../core/diagnostic.ts';
import { err, ok, type Result } from '../core/result.ts';
import { deliveryDiagnostic } from '../deliver/delivery-error.ts';
import { type ContextNotLocal, type ContextVerdict, checkContext, type KubeContextDescription } from '../deliver/local-context.ts';
import type { KubeClient } from '../k8s/kube-client.ts';
import { type KubeContextInfo, type KubeconfigError, type LoadedKubeconfig, loadKubeconfig, selectContext } from '../k8s/kubeconfig.ts';
import { NodeKubeClient } from '../k8s/node-kube-client.ts';
import type { FileSystem } from '../system/file-system.ts';
import type { HostLookup } from '../system/host-lookup.ts';
import type { KubeConnect } from './cluster-verify.ts';

/** The kubeconfig as doctor and `cluster` show it: files, current context, contexts. */
export interface KubeContexts {
  readonly files: readonly string[];
  readonly current: string | undefined;
  readonly contexts: readonly KubeContextInfo[];
}

type Env = Readonly<Record<string, string | undefined>>;

async function load(fs: FileSystem, env: Env): Promise<Result<LoadedKubeconfig, string>> {
  const loaded = await loadKubeconfig({ env, fs });
  return loaded.ok ? ok(loaded.value) : err(loaded.error.message);
}

/** Reads the kubeconfig's contexts (names and URLs only, never credentials). */
export async function readKubeContexts(fs: FileSystem, env: Env): Promise<Result<KubeContexts, string>> {
  const loaded = await load(fs, env);
  if (!loaded.ok) return loaded;
  return ok({ files: loaded.value.files, current: loaded.value.currentContext, contexts: loaded.value.contexts });
}

/** What the local-context rule needs to know besides the kubeconfig. */
export interface ContextPolicy {
  /** `cluster.allowContexts`: remote contexts the project allows by name. */
  readonly allowContexts: readonly string[];
  /** Resolves localhost-style API server names at check time. */
  readonly lookup: HostLookup;
}

/** A kube context devloop may talk to, with a client for it. */
export interface OpenedContext {
  readonly client: KubeClient;
  readonly context: KubeContextDescription;
  readonly verdict: ContextVerdict;
}

/** Why a context could not be opened: the kubeconfig, or the local-context rule. */
export type OpenContextError = KubeconfigError | ContextNotLocal;

/**
 * The one way devloop gets a client that carries a context's credentials:
 * loads the kubeconfig, selects `context`, and applies the local-context
 * rule (`checkContext`) before the client exists, so a refused context never
 * receives a single request.
 */
export async function openKubeContext(
  options: { readonly fs: FileSystem; readonly env: Env; readonly context: string } & ContextPolicy,
): Promise<Result<OpenedContext, OpenContextError>> {
  const loaded = await loadKubeconfig({ env: options.env, fs: options.fs });
  if (!loaded.ok) return loaded;
  const selected = selectContext(loaded.value, options.context);
  if (!selected.ok) return selected;
  const info = selected.value.contexts.find((c) => c.name === options.context);
  const context: KubeContextDescription = { name: options.context, server: info?.server, proxyUrl: info?.proxyUrl };
  const verdict = await checkContext({ context, allowContexts: options.allowContexts, lookup: options.lookup });
  if (!verdict.ok) return verdict;
  return ok({ client: new NodeKubeClient({ config: selected.value.config }), context, verdict: verdict.value });
}

/** A one-line message and a fix for an `OpenContextError`. */
export function openContextDiagnostic(error: OpenContextError): Diagnostic {
  if (error.reason === 'context-not-local') return deliveryDiagnostic(error);
  return { severity: 'error', code: error.reason, message: error.message };
}

/**
 * A `KubeConnect` over the real kubeconfig, under the local-context rule:
 * each call reloads it, so a context k3d has just written is found.
 */
export function kubeConnector(fs: FileSystem, env: Env, policy: ContextPolicy): KubeConnect {
  return async (context) => {
    const opened = await openKubeContext({ fs, env, context, ...policy });
    return opened.ok ? ok(opened.value.client) : err(openContextDiagnostic(opened.error).message);
  };
}
