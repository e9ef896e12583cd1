/**
 * The one way devloop starts external programs (docker, k3d, kubectl). Never
 * through a shell: arguments are passed as an array, so no file or image name
 * is ever interpolated into a command line.
 */
export interface ProcessRunner {
  run(command: string, args: readonly string[], options?: RunOptions): Promise<RunResult>;
}

export interface RunOptions {
  readonly cwd?: string;
  /** Extra variables, merged over the current environment. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Text written to standard input, then closed. */
  readonly input?: string;
  /** Aborting kills the process and all its descendants. */
  readonly signal?: AbortSignal;
  /** Called for each output line as it arrives. */
  readonly onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  readonly timeoutMs?: number;
  /**
   * Default true: the output is kept for the result. False for a process that
   * may run for hours (a dev server): its output only goes to `onLine`, and
   * the result's `stdout` and `stderr` are empty.
   */
  readonly keepOutput?: boolean;
  /** Called once the process has started (never when it could not be started). */
  readonly onSpawn?: () => void;
}

export interface RunResult {
  readonly command: string;
  readonly args: readonly string[];
  /** Undefined when the process did not exit by itself (killed, not found). */
  readonly exitCode: number | undefined;
  readonly stdout: string;
  readonly stderr: string;
  /** The executable does not exist on PATH. */
  readonly notFound: boolean;
  /** Stopped through `signal` or `timeoutMs`. */
  readonly cancelled: boolean;
  readonly durationMs: number;
}

/** True when the process ran and exited 0. */
export function succeeded(result: RunResult): boolean {
  return result.exitCode === 0 && !result.cancelled && !result.notFound;
}
