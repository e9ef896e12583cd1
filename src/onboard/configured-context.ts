import type { ResolvedConfig } from '../config/resolved-config.ts';
import type { Diagnostic } from '../core/diagnostic.ts';
import { err, type Result } from '../core/result.ts';
import { unreachable } from '../core/unreachable.ts';
import type { FileSystem } from '../system/file-system.ts';
import type { HostLookup } from '../system/host-lookup.ts';
import { type OpenContextError, type OpenedContext, openContextDiagnostic, openKubeContext } from './kube-connect.ts';

/**
 * Opens `cluster.context` under the local-context rule, exactly alike for
 * `up`, `ci` and `down`: the rule runs before a client exists, so a refused
 * context never receives a request. A failure comes back as the diagnostic
 * to print (always a usage error: nothing was touched).
 */
export async function openConfiguredContext(
  machine: { readonly fs: FileSystem; readonly env: Readonly<Record<string, string | undefined>>; readonly lookup: HostLookup },
  config: Pick<ResolvedConfig, 'cluster' | 'configFile'>,
): Promise<Result<OpenedContext, Diagnostic>> {
  const opened = await openKubeContext({
    fs: machine.fs,
    env: machine.env,
    context: config.cluster.context,
    allowContexts: config.cluster.allowContexts,
    lookup: machine.lookup,
  });
  return opened.ok ? opened : err(configuredContextDiagnostic(opened.error, config.configFile));
}

/** Where to look and what to do when the configured context cannot be used. */
export function configuredContextDiagnostic(error: OpenContextError, configFile: string): Diagnostic {
  const d = openContextDiagnostic(error);
  switch (error.reason) {
    case 'kubeconfig-not-found':
    case 'kubeconfig-invalid':
      return { ...d, hint: 'create a cluster (`k3d cluster create dev`) or set KUBECONFIG' };
    case 'kube-context-not-found':
      return {
        ...d,
        keyPath: 'cluster.context',
        file: configFile,
        hint: 'set cluster.context (or cluster.k3d.name) in devloop.config.ts, DEVLOOP_CONTEXT or --context',
      };
    case 'context-not-local':
      return { ...d, keyPath: 'cluster.context', file: configFile };
    default:
      return unreachable(error);
  }
}
