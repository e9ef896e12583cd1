import { request } from 'node:http';
import { err, ok, type Result } from '../core/result.ts';

/** How a request to the Docker Engine API ended. */
export interface EngineAnswer {
  readonly status: number;
  /** The body of an answer that is not 2xx (the engine's `{"message": …}`). */
  readonly errorBody: string;
}

export type EngineRequestError =
  | { readonly reason: 'unreachable'; readonly message: string }
  | { readonly reason: 'cancelled' }
  | { readonly reason: 'broken'; readonly message: string };

/**
 * One request to the Docker Engine API over its Unix socket, the answer's
 * body read line by line as it streams (the engine answers builds and pushes
 * with one JSON object per line). Aborting closes the connection, which the
 * engine takes as the client giving up (a build is cancelled).
 */
export function engineRequest(options: {
  readonly socketPath: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array;
  readonly signal?: AbortSignal | undefined;
  readonly onLine?: (line: string) => void;
}): Promise<Result<EngineAnswer, EngineRequestError>> {
  return new Promise((resolve) => {
    if (options.signal?.aborted) return resolve(err({ reason: 'cancelled' }));
    let settled = false;
    const finish = (result: Result<EngineAnswer, EngineRequestError>) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      resolve(result);
    };
    const req = request(
      {
        socketPath: options.socketPath,
        method: options.method,
        path: options.path,
        headers: { Host: 'docker', ...options.headers, ...(options.body ? { 'Content-Length': String(options.body.length) } : {}) },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        const good = status >= 200 && status < 300;
        let pending = '';
        let errorBody = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (!good) {
            errorBody += chunk;
            return;
          }
          pending += chunk;
          const lines = pending.split('\n');
          pending = lines.pop() ?? '';
          for (const line of lines) if (line.trim()) options.onLine?.(line);
        });
        res.on('end', () => {
          if (good && pending.trim()) options.onLine?.(pending);
          finish(ok({ status, errorBody }));
        });
        res.on('error', (e) => finish(err({ reason: 'broken', message: e.message })));
      },
    );
    const onAbort = () => {
      req.destroy();
      finish(err({ reason: 'cancelled' }));
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (e: NodeJS.ErrnoException) => {
      const refused = e.code === 'ENOENT' || e.code === 'ECONNREFUSED' || e.code === 'EACCES';
      finish(
        err(refused ? { reason: 'unreachable', message: `${options.socketPath}: ${e.code}` } : { reason: 'broken', message: e.message }),
      );
    });
    req.end(options.body);
  });
}
