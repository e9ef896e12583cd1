import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { type HashColumns, hashedFromColumns } from './file-hash-columns.ts';
import type { HashRequest } from './file-hash-worker.ts';
import type { FileHasher, HashedFile } from './file-hasher.ts';

/** The worker's module: `.ts` when devloop runs from source (tests), `.js` when built. */
const workerUrl = new URL(`./file-hash-worker${path.extname(fileURLToPath(import.meta.url))}`, import.meta.url);

interface Job {
  readonly paths: readonly string[];
  readonly resolve: (answers: HashedFile[]) => void;
  readonly reject: (error: Error) => void;
}

interface Thread {
  readonly worker: Worker;
  job: Job | undefined;
  idleTimer: NodeJS.Timeout | undefined;
}

/**
 * Hashes files on worker threads, one request at a time per thread. Threads
 * start when work comes and end after `idleMs` without any, so an idle
 * session holds none; a thread keeps the process alive only while it has
 * work, and `close` ends them all at once.
 */
export class FileHashPool implements FileHasher {
  readonly #size: number;
  readonly #idleMs: number;
  readonly #threads = new Set<Thread>();
  readonly #queue: Job[] = [];

  constructor({ threads = defaultThreads(), idleMs = 2000 }: { threads?: number; idleMs?: number } = {}) {
    this.#size = Math.max(1, threads);
    this.#idleMs = idleMs;
  }

  /** Threads running now (for tests and measurements). */
  get threads(): number {
    return this.#threads.size;
  }

  hashFiles(paths: readonly string[]): Promise<HashedFile[]> {
    if (paths.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.#queue.push({ paths, resolve, reject });
      this.#dispatch();
    });
  }

  async close(): Promise<void> {
    const threads = [...this.#threads];
    this.#threads.clear();
    for (const job of this.#queue.splice(0)) job.reject(new Error('the file hashing threads were closed'));
    await Promise.all(threads.map((thread) => this.#end(thread, new Error('the file hashing threads were closed'))));
  }

  #dispatch(): void {
    while (this.#queue.length > 0) {
      const thread = this.#idleThread() ?? (this.#threads.size < this.#size ? this.#start() : undefined);
      if (!thread) return;
      const job = this.#queue.shift() as Job;
      clearTimeout(thread.idleTimer);
      thread.idleTimer = undefined;
      thread.job = job;
      thread.worker.ref();
      thread.worker.postMessage({ paths: job.paths } satisfies HashRequest);
    }
  }

  #idleThread(): Thread | undefined {
    for (const thread of this.#threads) if (!thread.job) return thread;
    return undefined;
  }

  #start(): Thread {
    const worker = new Worker(workerUrl);
    const thread: Thread = { worker, job: undefined, idleTimer: undefined };
    this.#threads.add(thread);
    worker.on('message', (columns: HashColumns) => {
      const job = thread.job;
      thread.job = undefined;
      this.#rest(thread);
      job?.resolve(hashedFromColumns(columns));
      this.#dispatch();
    });
    const fail = (error: Error) => {
      if (!this.#threads.delete(thread)) return;
      clearTimeout(thread.idleTimer);
      thread.job?.reject(error);
      thread.job = undefined;
      this.#dispatch();
    };
    worker.on('error', fail);
    worker.on('messageerror', fail);
    worker.on('exit', (code) => fail(new Error(`a file hashing thread ended (exit code ${code})`)));
    return thread;
  }

  /** An idle thread lets the process exit, and ends after `idleMs` unless work comes. */
  #rest(thread: Thread): void {
    thread.worker.unref();
    thread.idleTimer = setTimeout(() => {
      if (thread.job || !this.#threads.delete(thread)) return;
      void this.#end(thread, undefined);
    }, this.#idleMs);
    thread.idleTimer.unref();
  }

  async #end(thread: Thread, error: Error | undefined): Promise<void> {
    clearTimeout(thread.idleTimer);
    const job = thread.job;
    thread.job = undefined;
    if (job && error) job.reject(error);
    await thread.worker.terminate();
  }
}

/**
 * One thread per core, at most four: the walk's own thread stays busy too
 * (listing directories, matching, keeping the answers), and beyond that the
 * file system's locks gain little.
 */
function defaultThreads(): number {
  return Math.min(4, Math.max(1, availableParallelism()));
}
