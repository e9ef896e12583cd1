import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Diagnostic } from '../core/diagnostic.ts';
import { errorText, formatDuration } from '../core/format.ts';
import { err } from '../core/result.ts';
import type { ConfigWorkerMessage } from './config-worker.ts';
import type { ConfigAnswer, ConfigRequest, RawConfigFiles } from './import-config.ts';

export type { RawConfigFiles };

/** How long a config file may take to load before devloop gives up on it. */
export const defaultLoadTimeoutMs = 10_000;

/** When to give up on loading. */
export interface ReadOptions {
  /** Aborting stops the load at once (the worker running the config's code is terminated). */
  readonly signal?: AbortSignal | undefined;
  readonly timeoutMs?: number | undefined;
}

/**
 * Loads the config file — the one at `configPath`, else the nearest from
 * `cwd` upward (to the project root) — and the personal file beside it. A
 * failure names the file that was loading, from the search itself.
 */
export function readConfigFiles(where: { cwd: string; configPath?: string | undefined }, options: ReadOptions = {}): Promise<ConfigAnswer> {
  const request: ConfigRequest = where.configPath
    ? { kind: 'load', file: path.resolve(where.cwd, where.configPath) }
    : { kind: 'search', cwd: where.cwd };
  return inWorker(request, options);
}

/** The worker's module: `.ts` when devloop runs from source (tests), `.js` when built. */
const workerUrl = new URL(`./config-worker${path.extname(fileURLToPath(import.meta.url))}`, import.meta.url);

/**
 * A config is code: it can loop forever or await something that never
 * settles. It runs in a worker thread, so devloop stays responsive to Ctrl-C
 * and can abandon the load on a timeout; only plain data comes back.
 */
function startWorker(request: ConfigRequest | undefined): Worker {
  return new Worker(workerUrl, {
    workerData: request,
    // Node's advice to add "type": "module" to the project's package.json is noise in devloop's output.
    execArgv: [...process.execArgv, '--disable-warning=MODULE_TYPELESS_PACKAGE_JSON'],
  });
}

let prewarmed: { worker: Worker; gone: () => void } | undefined;

/**
 * Starts a config worker ahead of need, so its start-up overlaps the CLI's
 * own: the next load uses it. It does not keep devloop alive, and runs no
 * config code until asked.
 */
export function prewarmConfigWorker(): void {
  if (prewarmed) return;
  const worker = startWorker(undefined);
  const gone = () => {
    if (prewarmed?.worker === worker) prewarmed = undefined;
  };
  worker.on('error', gone).on('exit', gone).unref();
  prewarmed = { worker, gone };
}

function takePrewarmed(request: ConfigRequest): Worker | undefined {
  const taken = prewarmed;
  prewarmed = undefined;
  if (!taken) return undefined;
  taken.worker.off('error', taken.gone).off('exit', taken.gone).ref();
  taken.worker.postMessage(request);
  return taken.worker;
}

function inWorker(request: ConfigRequest, options: ReadOptions): Promise<ConfigAnswer> {
  const timeoutMs = options.timeoutMs ?? defaultLoadTimeoutMs;
  let file = request.kind === 'load' ? request.file : undefined;
  return new Promise<ConfigAnswer>((resolve) => {
    const worker = takePrewarmed(request) ?? startWorker(request);
    let done = false;
    const finish = (answer: ConfigAnswer) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      // Whatever the config left running (timers, servers) ends with the worker.
      void worker.terminate();
      resolve(answer);
    };
    const fail = (code: string, message: string, hint?: string) =>
      finish(
        err({
          severity: 'error',
          code,
          ...(file
            ? { file, message }
            : { message: `the configuration searched from ${request.kind === 'search' ? request.cwd : ''} ${message}` }),
          ...(hint ? { hint } : {}),
        } satisfies Diagnostic),
      );
    const onAbort = () => fail('config-load-interrupted', 'loading was interrupted');
    const onTimeout = () =>
      fail(
        'config-load-timeout',
        `did not finish loading within ${formatDuration(timeoutMs)}`,
        'does it loop forever, or await something that never settles? (DEVLOOP_CONFIG_TIMEOUT sets the limit, e.g. 30s)',
      );
    // The limit counts from the start of each file's loading (the worker's own start-up is not the config's fault).
    let timer = setTimeout(onTimeout, timeoutMs);
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (message: ConfigWorkerMessage) => {
      if (message.kind === 'answer') return finish(message.answer);
      file = message.file;
      clearTimeout(timer);
      timer = setTimeout(onTimeout, timeoutMs);
    });
    worker.on('error', (error) => fail('config-syntax-error', `cannot be loaded: ${errorText(error)}`));
    worker.on('messageerror', (error) => fail('config-syntax-error', `cannot be loaded: ${errorText(error)}`));
    worker.on('exit', (code) =>
      fail(
        'config-load-unfinished',
        code === 0 ? 'never finished loading: it awaits something that can never settle' : `stopped loading with exit code ${code}`,
        code === 0 ? 'a top-level await waits for a promise that nothing will resolve' : 'a config must not call process.exit()',
      ),
    );
  });
}
