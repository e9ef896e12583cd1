import type { ResolvedConfig } from '../config/resolved-config.ts';
import type { Diagnostic } from '../core/diagnostic.ts';
import { err, type Result } from '../core/result.ts';
import { unreachable } from '../core/unreachable.ts';
import { type OpenContextError, type OpenedContext, openContextDiagnostic, openKubeContext } from '../onboard/kube-connect.ts';
import { dnsLookup } from '../system/host-lookup.ts';
import type { CliContext } from './cli-context.ts';

/**
 * Opens `cluster.context` under the local-context rule, exactly alike for
 * `up`, `ci` and `down`: the rule runs before a client exists, so a refused
 * context never receives a request. A failure comes back as the diagnostic
 * to print (always a usage error: nothing was touched).
 */
export async function openConfiguredContext(ctx: CliContext, config: ResolvedConfig): Promise<Result<OpenedContext, Diagnostic>> {
  const opened = await openKubeContext({
    fs: ctx.fs,
    env: ctx.env,
    context: config.cluster.context,
    allowContexts: config.cluster.allowContexts,
    lookup: dnsLookup(),
  });
  return opened.ok ? opened : err(contextDiagnostic(opened.error, config));
}

/** Where to look and what to do when the configured context cannot be used. */
function contextDiagnostic(error: OpenContextError, config: ResolvedConfig): Diagnostic {
  const d = openContextDiagnostic(error);
  switch (error.reason) {
    case 'kubeconfig-not-found':
    case 'kubeconfig-invalid':
      return { ...d, hint: 'create a cluster (`k3d cluster create dev`) or set KUBECONFIG' };
    case 'kube-context-not-found':
      return {
        ...d,
        keyPath: 'cluster.context',
        file: config.configFile,
        hint: 'set cluster.context (or cluster.k3d.name) in devloop.config.ts, DEVLOOP_CONTEXT or --context',
      };
    case 'context-not-local':
      return { ...d, keyPath: 'cluster.context', file: config.configFile };
    default:
      return unreachable(error);
  }
}
