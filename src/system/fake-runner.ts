import type { ProcessRunner, RunOptions, RunResult } from './process-runner.ts';

/** What a fake command answers: exit code and output, or a function of the call. */
export type FakeAnswer =
  | { readonly exitCode?: number; readonly stdout?: string; readonly stderr?: string; readonly notFound?: boolean }
  | ((args: readonly string[], options: RunOptions) => FakeAnswer | Promise<FakeAnswer>);

/**
 * A `ProcessRunner` for unit tests: records every call and answers from a
 * table keyed by `command` or `command subcommand`.
 */
export class FakeRunner implements ProcessRunner {
  readonly calls: { command: string; args: readonly string[]; options: RunOptions }[] = [];
  #answers = new Map<string, FakeAnswer>();

  /** Registers the answer for `key` (`docker` or `docker build`). */
  on(key: string, answer: FakeAnswer): this {
    this.#answers.set(key, answer);
    return this;
  }

  async run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    this.calls.push({ command, args, options });
    let answer = this.#answers.get(`${command} ${args[0] ?? ''}`) ?? this.#answers.get(command) ?? { notFound: true };
    // An answer worked out by a function (one that may take its time) has started; a table's `notFound` never does.
    if (typeof answer === 'function' || !answer.notFound) options.onSpawn?.();
    while (typeof answer === 'function') answer = await answer(args, options);
    for (const line of (answer.stdout ?? '').split('\n').filter(Boolean)) options.onLine?.(line, 'stdout');
    for (const line of (answer.stderr ?? '').split('\n').filter(Boolean)) options.onLine?.(line, 'stderr');
    return {
      command,
      args,
      exitCode: answer.notFound ? undefined : (answer.exitCode ?? 0),
      stdout: answer.stdout ?? '',
      stderr: answer.stderr ?? '',
      notFound: answer.notFound ?? false,
      cancelled: false,
      durationMs: 0,
    };
  }
}
