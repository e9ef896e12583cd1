import { err, ok, type Result } from '../core/result.ts';
import type { DeliveryError } from './delivery-error.ts';

/**
 * A kube context as delivery needs it: its name and its API server URL.
 * The k8s adapter lists these from the kubeconfig; delivery never reads
 * kubeconfig files itself.
 */
export interface KubeContextDescription {
  readonly name: string;
  /** API server URL of the context's cluster, e.g. `https://127.0.0.1:6443`. */
  readonly server: string | undefined;
}

/** Why a context counts as local (or was allowed), so doctor can show it. */
export type ContextVerdict =
  | { readonly kind: 'local-name'; readonly tool: LocalTool }
  | { readonly kind: 'loopback-server'; readonly host: string }
  | { readonly kind: 'allowed' };

/** The local-cluster tools recognised by their context names. */
export type LocalTool = 'k3d' | 'kind' | 'minikube' | 'docker-desktop' | 'rancher-desktop' | 'colima' | 'orbstack';

const LOCAL_NAMES: readonly { readonly tool: LocalTool; readonly test: RegExp }[] = [
  { tool: 'k3d', test: /^k3d-.+/ },
  { tool: 'kind', test: /^kind-.+/ },
  { tool: 'minikube', test: /^minikube$/ },
  { tool: 'docker-desktop', test: /^docker-(desktop|for-desktop)$/ },
  { tool: 'rancher-desktop', test: /^rancher-desktop$/ },
  { tool: 'colima', test: /^colima(-.+)?$/ },
  { tool: 'orbstack', test: /^orbstack$/ },
];

/**
 * Host names that always mean "this machine": loopback, `localhost` and its
 * subdomains (RFC 6761), the unspecified addresses k3d sometimes writes into
 * kubeconfigs, and Docker Desktop's names for the host.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (h === 'host.docker.internal' || h === 'kubernetes.docker.internal') return true;
  if (h === '::1' || h === '::' || h === '0:0:0:0:0:0:0:1' || h === '0.0.0.0') return true;
  if (h.startsWith('::ffff:')) return isLoopbackHost(h.slice('::ffff:'.length));
  const octets = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  return octets !== null && octets[1] === '127';
}

/**
 * Decides whether devloop may push to and deploy on `context`. A context is
 * local when its name is one local tools write (`k3d-*`, `kind-*`,
 * `minikube`, …) or its API server is on this machine; anything else must be
 * named in `cluster.allowContexts`. Pure, so callers check it before any
 * build or push.
 */
export function checkContext(options: {
  readonly context: KubeContextDescription;
  readonly allowContexts: readonly string[];
}): Result<ContextVerdict, Extract<DeliveryError, { reason: 'context-not-local' }>> {
  const { context, allowContexts } = options;
  for (const { tool, test } of LOCAL_NAMES) if (test.test(context.name)) return ok({ kind: 'local-name', tool });
  const host = serverHost(context.server);
  if (host !== undefined && isLoopbackHost(host)) return ok({ kind: 'loopback-server', host });
  if (allowContexts.includes(context.name)) return ok({ kind: 'allowed' });
  return err({ reason: 'context-not-local', context: context.name, server: context.server });
}

/** True when the verdict is "local" rather than "allowed though remote". */
export function isLocalVerdict(verdict: ContextVerdict): boolean {
  return verdict.kind !== 'allowed';
}

/** The k3d cluster name of a `k3d-<cluster>` context, else undefined. */
export function k3dClusterOfContext(contextName: string): string | undefined {
  return contextName.startsWith('k3d-') && contextName.length > 4 ? contextName.slice(4) : undefined;
}

function serverHost(server: string | undefined): string | undefined {
  if (!server) return undefined;
  try {
    return new URL(server).hostname;
  } catch {
    return undefined;
  }
}
