import type { TextSink } from '../core/text-sink.ts';
import type { FileHasher } from '../system/file-hasher.ts';
import type { FileSystem } from '../system/file-system.ts';
import type { ProcessRunner } from '../system/process-runner.ts';

export type { TextSink };

/**
 * What every command receives from the composition root: the real adapters
 * in production, fakes or capture buffers in tests.
 */
export interface CliContext {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  /** Colours on: a terminal and no `NO_COLOR`. */
  readonly color: boolean;
  readonly runner: ProcessRunner;
  readonly fs: FileSystem;
  /**
   * A new hasher for a hash index: threads that read and hash the files of a
   * large walk beside the main one. Absent in tests, where the index reads
   * on the main thread through `fs`.
   */
  readonly fileHasher?: () => FileHasher;
  /** Aborted on Ctrl-C; long-running commands stop their work when it fires. */
  readonly signal: AbortSignal;
  /**
   * Follows exceptions nobody caught (a bug in a callback or a forgotten
   * promise): a running loop subscribes so it can stop its work and end with
   * exit 1. Returns the unsubscribe function. Absent in tests.
   */
  readonly faults?: (listener: (error: unknown) => void) => () => void;
  /** The real terminal streams, for the full-screen UI; absent in tests and pipes. */
  readonly terminal?: { readonly stdin: NodeJS.ReadStream; readonly stdout: NodeJS.WriteStream; readonly stderr: NodeJS.WriteStream };
}

/** Options every command accepts. */
export interface GlobalOptions {
  /** Explicit config file (`--config`). */
  readonly config?: string;
  readonly context?: string;
  readonly namespace?: string;
}
