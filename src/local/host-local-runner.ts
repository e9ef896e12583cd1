import type { ResolvedLocalCommand } from '../config/resolved-config.ts';
import type { FileSystem } from '../system/file-system.ts';
import type { ProcessRunner } from '../system/process-runner.ts';

/** How a local command's run ended. */
export interface LocalExit {
  /** Undefined when it did not exit by itself (killed, or never started). */
  readonly exitCode: number | undefined;
  /** The program does not exist on PATH. */
  readonly notFound: boolean;
  /** Stopped through the signal: devloop killed it. */
  readonly cancelled: boolean;
  readonly durationMs: number;
}

/**
 * Runs the project's `local` commands on this machine: directly (a shell only
 * when the command is `['sh', '-c', …]`), in their working directory with
 * their variables over devloop's own. Each runs in a process group of its
 * own, so cancelling it (a newer change, Ctrl-C) kills what it started too.
 * Its output is handed over line by line and never kept whole: a dev server
 * may print for hours.
 */
export class HostLocalRunner {
  readonly #commands: Readonly<Record<string, ResolvedLocalCommand>>;
  readonly #runner: ProcessRunner;
  readonly #fs: FileSystem;

  constructor(options: { commands: Readonly<Record<string, ResolvedLocalCommand>>; runner: ProcessRunner; fs: FileSystem }) {
    this.#commands = options.commands;
    this.#runner = options.runner;
    this.#fs = options.fs;
  }

  async run(name: string, options: { signal: AbortSignal; onLine: (line: string) => void; onStarted?: () => void }): Promise<LocalExit> {
    const command = this.#commands[name];
    const [program, ...args] = command?.command ?? [];
    if (!command || program === undefined) return { exitCode: undefined, notFound: true, cancelled: false, durationMs: 0 };
    const result = await this.#runner.run(program, args, {
      cwd: command.cwd,
      env: command.env,
      signal: options.signal,
      onLine: (line) => options.onLine(line),
      keepOutput: false,
      ...(options.onStarted ? { onSpawn: options.onStarted } : {}),
    });
    return {
      exitCode: result.exitCode,
      notFound: result.notFound,
      cancelled: result.cancelled || options.signal.aborted,
      durationMs: result.durationMs,
    };
  }

  /** When the file's inode last changed (epoch ms): a write sets it, and nothing sets it back. Undefined when it is gone. */
  async changedAt(path: string): Promise<number | undefined> {
    return (await this.#fs.stat(path))?.ctimeMs;
  }
}
