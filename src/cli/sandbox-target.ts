import type { Origin } from '../config/layers.ts';
import type { ResolvedConfig } from '../config/resolved-config.ts';
import { sandboxTarget } from '../onboard/sandbox.ts';
import type { CliContext } from './cli-context.ts';

/** The context and configuration a command runs with, and what to tell the user about them. */
export interface Target {
  readonly ctx: CliContext;
  readonly config: ResolvedConfig;
  readonly notice: string | undefined;
  /** The same change for a configuration loaded again (after an edit of the config file). */
  readonly retarget: (config: ResolvedConfig) => ResolvedConfig;
}

/** The configured target, or the sandbox's cluster in its place (see `sandboxTarget`) with its kubeconfig in the environment. */
export async function targetOrSandbox(ctx: CliContext, config: ResolvedConfig, origins: ReadonlyMap<string, Origin>): Promise<Target> {
  const sandbox = await sandboxTarget({ fs: ctx.fs, env: ctx.env, config, contextOrigin: origins.get('cluster.context') });
  if (!sandbox) return { ctx, config, notice: undefined, retarget: (same) => same };
  return {
    ctx: { ...ctx, env: { ...ctx.env, KUBECONFIG: sandbox.kubeconfig } },
    config: sandbox.retarget(config),
    retarget: sandbox.retarget,
    notice: sandbox.notice,
  };
}
