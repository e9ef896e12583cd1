import type { ProcessRunner, RunOptions, RunResult } from '../system/process-runner.ts';

/**
 * Runs every program with the command's environment (`CliContext.env`)
 * merged under the call's own variables, so PATH and KUBECONFIG are the
 * ones the command was started with, in tests as in production; calls run
 * in the command's working directory unless they name another.
 */
export class EnvRunner implements ProcessRunner {
  readonly #inner: ProcessRunner;
  readonly #env: Readonly<Record<string, string | undefined>>;
  readonly #cwd: string | undefined;

  constructor(options: {
    readonly inner: ProcessRunner;
    readonly env: Readonly<Record<string, string | undefined>>;
    /** Working directory of calls that name none (the command's `cwd`). */
    readonly cwd?: string;
  }) {
    this.#inner = options.inner;
    this.#env = options.env;
    this.#cwd = options.cwd;
  }

  run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const cwd = options.cwd ?? this.#cwd;
    return this.#inner.run(command, args, { ...options, ...(cwd ? { cwd } : {}), env: { ...this.#env, ...options.env } });
  }
}
