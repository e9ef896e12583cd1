import type { Command } from 'commander';
import type { CliContext } from './cli-context.ts';
import { runConfig } from './commands/config.ts';
import type { RunAction } from './program.ts';

/** Every command devloop offers. Only commands that work are listed here. */
export function registerCommands(program: Command, ctx: CliContext, run: RunAction): void {
  program
    .command('config')
    .description('print the resolved configuration and where each value came from')
    .option('--json', 'print the resolved configuration as JSON')
    .action(run((options) => runConfig(ctx, { ...options, json: Boolean(options.json) })));
}
