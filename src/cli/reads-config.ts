/** Commands that load devloop.config.ts. */
const configCommands = new Set(['up', 'ci', 'config', 'plan', 'build', 'lint', 'doctor', 'cluster']);
/** Global options followed by a value, which is not the command. */
const withValue = new Set(['-c', '--config', '--context', '-n', '--namespace']);

/**
 * Whether this command line will load the config, judged before the CLI is
 * loaded (a wrong guess costs nothing but a thread): the launcher then starts
 * the config's loader thread at once, overlapping the CLI's own start-up.
 */
export function readsConfig(argv: readonly string[]): boolean {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '-h' || arg === '--help' || arg === '-v' || arg === '--version') return false;
    if (withValue.has(arg)) i++;
    else if (!arg.startsWith('-')) return configCommands.has(arg) && !argv.includes('--help') && !argv.includes('-h');
  }
  return false;
}
