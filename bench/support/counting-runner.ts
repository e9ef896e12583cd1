import type { ProcessRunner, RunOptions, RunResult } from '../../src/system/process-runner.ts';

/** One child process devloop started, with wall-clock times (epoch ms). */
export interface RunRecord {
  readonly command: string;
  readonly args: readonly string[];
  readonly startedAt: number;
  endedAt: number | undefined;
  exitCode: number | undefined;
}

/**
 * A `ProcessRunner` decorator that records every program devloop starts and
 * when it ran, so a scenario can count docker processes and subtract the time
 * spent inside them from the time devloop took.
 */
/** A Docker process: the `docker` CLI, or the buildx plugin devloop runs directly for builds. */
export function isDockerProcess(record: Pick<RunRecord, 'command'>): boolean {
  return record.command === 'docker' || record.command.endsWith('/docker-buildx');
}

/** A build: `docker build`, `docker buildx build`, or the buildx plugin's `build`. */
export function isDockerBuild(record: Pick<RunRecord, 'command' | 'args'>): boolean {
  return isDockerProcess(record) && (record.args[0] === 'build' || (record.args[0] === 'buildx' && record.args[1] === 'build'));
}

export class CountingRunner implements ProcessRunner {
  readonly records: RunRecord[] = [];
  readonly #inner: ProcessRunner;

  constructor(inner: ProcessRunner) {
    this.#inner = inner;
  }

  async run(command: string, args: readonly string[], options?: RunOptions): Promise<RunResult> {
    const record: RunRecord = { command, args, startedAt: Date.now(), endedAt: undefined, exitCode: undefined };
    this.records.push(record);
    try {
      const result = await this.#inner.run(command, args, options);
      record.exitCode = result.exitCode;
      return result;
    } finally {
      record.endedAt = Date.now();
    }
  }

  /** Processes started at or after `from` (and before `to`, when given). */
  startedBetween(from: number, to = Number.POSITIVE_INFINITY): RunRecord[] {
    return this.records.filter((r) => r.startedAt >= from && r.startedAt <= to);
  }

  /** `command sub` lines, e.g. `docker build`, for the report. */
  static describe(records: readonly RunRecord[]): string[] {
    return records.map((r) => [r.command, ...r.args.slice(0, 1)].join(' '));
  }
}
