import { createRequire } from 'node:module';
import { ExitCode } from '../core/exit-code.ts';
import { redactText } from '../core/redact.ts';
import { colorEnabled } from '../report/colors.ts';
import { ExecaRunner } from '../system/execa-runner.ts';
import { FileHashPool } from '../system/file-hash-pool.ts';
import { NodeFileSystem } from '../system/node-file-system.ts';
import type { CliContext, TextSink } from './cli-context.ts';
import { runCli } from './program.ts';

/**
 * The composition root: real adapters, real streams, Ctrl-C wiring. A second
 * Ctrl-C while shutting down exits at once.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = () => {
    interrupts++;
    if (interrupts > 1) process.exit(ExitCode.interrupted);
    controller.abort(new Error('interrupted'));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // An exception nobody caught goes to the running loop, which stops its work
  // and exits 1; with no loop running it ends devloop as Node would, minus the noise.
  const faultListeners = new Set<(error: unknown) => void>();
  const onFault = (error: unknown) => {
    if (faultListeners.size === 0) {
      process.stderr.write(`devloop: internal error: ${(error as Error)?.stack ?? String(error)}\n${reportHint}\n`);
      process.exit(ExitCode.failure);
    }
    for (const listener of faultListeners) listener(error);
  };
  process.on('uncaughtException', onFault);
  process.on('unhandledRejection', onFault);
  const sink = (stream: NodeJS.WriteStream): TextSink => ({
    // The last line of defence: whatever a command or reporter prints, credentials and tokens are masked.
    write: (text) => void stream.write(redactText(text)),
    get isTTY() {
      return Boolean(stream.isTTY);
    },
    get columns() {
      return stream.columns;
    },
  });
  const ctx: CliContext = {
    cwd: process.cwd(),
    env: process.env,
    stdout: sink(process.stdout),
    stderr: sink(process.stderr),
    color: colorEnabled(Boolean(process.stdout.isTTY), process.env),
    runner: new ExecaRunner(),
    fs: new NodeFileSystem(),
    fileHasher: () => new FileHashPool(),
    signal: controller.signal,
    faults: (listener) => {
      faultListeners.add(listener);
      return () => faultListeners.delete(listener);
    },
    ...(process.stdout.isTTY && process.stdin.isTTY
      ? { terminal: { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr } }
      : {}),
  };
  try {
    const code = await runCli(argv, ctx, version);
    return controller.signal.aborted && code === ExitCode.ok ? ExitCode.interrupted : code;
  } catch (error) {
    ctx.stderr.write(`devloop: internal error: ${(error as Error)?.stack ?? String(error)}\n${reportHint}\n`);
    return ExitCode.failure;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('uncaughtException', onFault);
    process.off('unhandledRejection', onFault);
  }
}

const reportHint = 'This is a bug in devloop; please report it with the command you ran.';
