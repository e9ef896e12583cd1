import { Command, CommanderError, Option } from 'commander';
import { ExitCode } from '../core/exit-code.ts';
import type { CliContext } from './cli-context.ts';
import { type RunAction, registerCommands } from './register-commands.ts';

/** Runs one devloop invocation and answers its exit code; never calls process.exit. */
export async function runCli(argv: readonly string[], ctx: CliContext, version: string): Promise<ExitCode> {
  let exitCode: ExitCode = ExitCode.ok;
  const program = new Command('devloop')
    .description('The local Kubernetes inner loop for k3d: rebuild only what changed, deliver it, roll it out, stream its logs.')
    .version(version, '-v, --version')
    .addOption(new Option('-c, --config <path>', 'config file (default: nearest devloop.config.ts)'))
    .addOption(new Option('--context <name>', 'kube context (overrides config and DEVLOOP_CONTEXT)'))
    .addOption(new Option('-n, --namespace <name>', 'namespace (overrides config and DEVLOOP_NAMESPACE)'))
    .showHelpAfterError('(run with --help for usage)')
    .showSuggestionAfterError(true)
    .configureHelp({ sortSubcommands: false, showGlobalOptions: true })
    .configureOutput({
      writeOut: (text) => ctx.stdout.write(text),
      writeErr: (text) => ctx.stderr.write(text),
      outputError: (text, write) => write(text),
    })
    .enablePositionalOptions()
    .exitOverride();

  const run: RunAction =
    (task) =>
    async (...args: unknown[]) => {
      const command = args.at(-1) as Command;
      exitCode = await task(command.optsWithGlobals(), command.args, command.opts());
    };
  registerCommands(program, ctx, run);
  for (const command of program.commands) command.exitOverride().configureOutput(program.configureOutput());

  try {
    await program.parseAsync(argv as string[], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help')
        return ExitCode.ok;
      return ExitCode.usage;
    }
    throw error;
  }
  return exitCode;
}
