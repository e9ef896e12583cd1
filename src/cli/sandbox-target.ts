import type { Origin } from '../config/layers.ts';
import type { ResolvedConfig } from '../config/resolved-config.ts';
import { sandboxInstead } from '../onboard/sandbox.ts';
import type { CliContext } from './cli-context.ts';

/** The context and configuration a command runs with, and what to tell the user about them. */
export interface Target {
  readonly ctx: CliContext;
  readonly config: ResolvedConfig;
  readonly notice: string | undefined;
  /** The same change for a configuration loaded again (after an edit of the config file). */
  readonly retarget: (config: ResolvedConfig) => ResolvedConfig;
}

/**
 * `up`, `ci` and `down` on a machine whose kubeconfig lacks the k3d context
 * named by `cluster.k3d.name` but where `npm run sandbox` left its cluster
 * ready: they use the sandbox's kubeconfig, context and k3d cluster, and say
 * so. A context named outright (`cluster.context`, `DEVLOOP_CONTEXT`,
 * `--context`) is never replaced: a typo there stays an error.
 */
export async function targetOrSandbox(ctx: CliContext, config: ResolvedConfig, origins: ReadonlyMap<string, Origin>): Promise<Target> {
  const named = origins.get('cluster.context');
  const sandbox =
    named && named.kind !== 'default' ? undefined : await sandboxInstead({ fs: ctx.fs, env: ctx.env, context: config.cluster.context });
  if (!sandbox) return { ctx, config, notice: undefined, retarget: (same) => same };
  const missing = config.cluster.context;
  const retarget = (next: ResolvedConfig): ResolvedConfig =>
    next.cluster.context === missing
      ? { ...next, cluster: { ...next.cluster, context: sandbox.context, k3d: { ...next.cluster.k3d, name: sandbox.cluster } } }
      : next;
  return {
    ctx: { ...ctx, env: { ...ctx.env, KUBECONFIG: sandbox.kubeconfig } },
    config: retarget(config),
    retarget,
    notice: `kube context ${config.cluster.context} does not exist on this machine: using the sandbox's cluster instead (context ${sandbox.context} in ${sandbox.kubeconfig}, made by \`npm run sandbox\`)`,
  };
}
