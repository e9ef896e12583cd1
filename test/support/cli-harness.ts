import type { CliContext, TextSink } from '../../src/cli/cli-context.ts';
import { runCli } from '../../src/cli/program.ts';
import { ExecaRunner } from '../../src/system/execa-runner.ts';
import { NodeFileSystem } from '../../src/system/node-file-system.ts';
import type { ProcessRunner } from '../../src/system/process-runner.ts';

/** What one in-process CLI run printed and answered. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A sink that keeps what was written. */
export function captureSink(isTTY = false): TextSink & { text(): string } {
  let buffer = '';
  return {
    isTTY,
    columns: 100,
    write: (text: string) => {
      buffer += text;
    },
    text: () => buffer,
  };
}

/** Runs the devloop CLI in-process with the real file system and captured output. */
export async function runDevloop(
  argv: readonly string[],
  options: {
    cwd: string;
    env?: Record<string, string | undefined>;
    runner?: ProcessRunner;
    signal?: AbortSignal;
    faults?: CliContext['faults'];
  },
): Promise<CliRun> {
  const stdout = captureSink();
  const stderr = captureSink();
  const ctx: CliContext = {
    cwd: options.cwd,
    env: options.env ?? {},
    stdout,
    stderr,
    color: false,
    runner: options.runner ?? new ExecaRunner(),
    fs: new NodeFileSystem(),
    signal: options.signal ?? new AbortController().signal,
    ...(options.faults ? { faults: options.faults } : {}),
  };
  const code = await runCli(argv, ctx, '0.0.0-test');
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}
