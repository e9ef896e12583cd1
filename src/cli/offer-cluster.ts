import * as readline from 'node:readline/promises';
import type { ResolvedConfig } from '../config/resolved-config.ts';
import { ExitCode } from '../core/exit-code.ts';
import { k3dClusterOfContext } from '../deliver/local-context.ts';
import { loadKubeconfig, selectContext } from '../k8s/kubeconfig.ts';
import type { CliContext, GlobalOptions } from './cli-context.ts';
import { runCluster } from './commands/cluster.ts';

/**
 * Before `devloop up`: when the configured k3d context does not exist yet and
 * k3d is installed, offer to create the cluster (on a terminal, outside CI);
 * otherwise say what to run. Answers `undefined` to go on, or an exit code.
 */
export async function offerCluster(ctx: CliContext, config: ResolvedConfig, globals: GlobalOptions): Promise<ExitCode | undefined> {
  const loaded = await loadKubeconfig({ env: ctx.env, fs: ctx.fs });
  if (loaded.ok && selectContext(loaded.value, config.cluster.context).ok) return undefined;
  const cluster = k3dClusterOfContext(config.cluster.context);
  if (!cluster) return undefined;
  const k3d = await ctx.runner.run('k3d', ['version'], { timeoutMs: 10_000 });
  const say = (text: string) => ctx.stderr.write(`${text}\n`);
  if (k3d.notFound) {
    say(`error: kube context ${config.cluster.context} does not exist, and k3d is not installed.`);
    say('  hint: install k3d (https://k3d.io/#installation), then run `devloop cluster create`');
    return ExitCode.usage;
  }
  const interactive = ctx.terminal !== undefined && !ctx.env.CI;
  if (!interactive) {
    say(`error: kube context ${config.cluster.context} does not exist.`);
    say(`  hint: create the k3d cluster "${cluster}" with its registry: devloop cluster create`);
    return ExitCode.usage;
  }
  const terminal = ctx.terminal;
  if (!terminal) return ExitCode.usage;
  const rl = readline.createInterface({ input: terminal.stdin, output: terminal.stdout, terminal: true });
  const answer = await rl.question(
    `kube context ${config.cluster.context} does not exist. Create the k3d cluster "${cluster}" with its registry now? [Y/n] `,
  );
  rl.close();
  if (/^n/i.test(answer.trim())) {
    say('not creating it; `devloop cluster create` does it later.');
    return ExitCode.usage;
  }
  const created = await runCluster(ctx, 'create', globals);
  return created === ExitCode.ok ? undefined : created;
}
