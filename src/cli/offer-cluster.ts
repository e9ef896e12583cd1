import * as readline from 'node:readline/promises';
import type { ResolvedConfig } from '../config/resolved-config.ts';
import { ExitCode } from '../core/exit-code.ts';
import { clusterOffer } from '../onboard/cluster-offer.ts';
import type { CliContext, GlobalOptions } from './cli-context.ts';
import { runCluster } from './commands/cluster.ts';

/**
 * Before `devloop up`: when the configured k3d context does not exist yet,
 * offers to create the cluster or says what to run (see `clusterOffer`).
 * Answers `undefined` to go on, or an exit code.
 */
export async function offerCluster(ctx: CliContext, config: ResolvedConfig, globals: GlobalOptions): Promise<ExitCode | undefined> {
  const terminal = ctx.terminal;
  const offer = await clusterOffer({
    fs: ctx.fs,
    env: ctx.env,
    runner: ctx.runner,
    context: config.cluster.context,
    interactive: terminal !== undefined && !ctx.env.CI,
  });
  const say = (text: string) => ctx.stderr.write(`${text}\n`);
  switch (offer.kind) {
    case 'none':
      return undefined;
    case 'refuse':
      say(`error: ${offer.message}`);
      say(`  hint: ${offer.hint}`);
      return ExitCode.usage;
    case 'ask': {
      if (!terminal) return ExitCode.usage;
      const rl = readline.createInterface({ input: terminal.stdin, output: terminal.stdout, terminal: true });
      const answer = await rl.question(offer.question);
      rl.close();
      if (/^n/i.test(answer.trim())) {
        say(offer.declined);
        return ExitCode.usage;
      }
      const created = await runCluster(ctx, 'create', globals);
      return created === ExitCode.ok ? undefined : created;
    }
  }
}
