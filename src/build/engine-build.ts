import { err, ok, type Result } from '../core/result.ts';
import { engineRequest } from '../system/docker-socket.ts';
import { BuildkitLines } from './buildkit-lines.ts';
import { decodeStatus } from './buildkit-status.ts';

/** What a build through the Engine API is asked to do (the context already archived). */
export interface EngineBuildRequest {
  readonly socketPath: string;
  readonly archive: Uint8Array;
  /** The Dockerfile's path in the archive. */
  readonly dockerfile: string;
  readonly tags: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  /** Build args with their values. */
  readonly buildArgs: Readonly<Record<string, string>>;
  readonly target?: string | undefined;
  readonly network?: string | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Progress as `docker buildx build --progress=plain` prints it (see `BuildkitLines`). */
  readonly onLine: (line: string) => void;
}

export type EngineBuildError =
  | { readonly reason: 'unreachable'; readonly message: string }
  | { readonly reason: 'cancelled' }
  | { readonly reason: 'failed'; readonly message: string };

/**
 * A BuildKit build by the Docker engine itself (`POST /build?version=2`), the
 * context sent as a tar in the request — what Tilt does too: no buildx
 * process to start and no file-sync session to set up for a small context.
 * The engine tags the result in its image store, as `--load` does.
 */
export async function engineBuild(
  request: EngineBuildRequest,
): Promise<Result<{ readonly imageId: string | undefined }, EngineBuildError>> {
  const query = new URLSearchParams({ version: '2', dockerfile: request.dockerfile, rm: '1', forcerm: '1' });
  for (const tag of request.tags) query.append('t', tag);
  if (Object.keys(request.labels).length > 0) query.set('labels', JSON.stringify(request.labels));
  if (Object.keys(request.buildArgs).length > 0) query.set('buildargs', JSON.stringify(request.buildArgs));
  if (request.target) query.set('target', request.target);
  if (request.network) query.set('networkmode', request.network);
  const lines = new BuildkitLines();
  let failure: string | undefined;
  let imageId: string | undefined;
  const answer = await engineRequest({
    socketPath: request.socketPath,
    method: 'POST',
    path: `/build?${query}`,
    headers: { 'Content-Type': 'application/x-tar' },
    body: request.archive,
    signal: request.signal,
    onLine: (line) => {
      const message = parse(line);
      if (!message) return;
      if (message.error || message.errorDetail) failure = message.errorDetail?.message ?? message.error;
      else if (message.id === 'moby.buildkit.trace' && typeof message.aux === 'string') {
        for (const text of lines.push(decodeStatus(Buffer.from(message.aux, 'base64')))) request.onLine(text);
      } else if (message.id === 'moby.image.id' && typeof message.aux === 'object') imageId = message.aux?.ID;
    },
  });
  if (!answer.ok) {
    if (answer.error.reason === 'cancelled') return err({ reason: 'cancelled' });
    if (answer.error.reason === 'unreachable') return err(answer.error);
    return err({ reason: 'failed', message: answer.error.message });
  }
  if (answer.value.status >= 300) {
    const message = parse(answer.value.errorBody)?.message ?? (answer.value.errorBody.trim() || `HTTP ${answer.value.status}`);
    return err({ reason: 'failed', message });
  }
  if (failure !== undefined) {
    request.onLine(`ERROR: ${failure}`);
    return err({ reason: 'failed', message: failure });
  }
  return ok({ imageId });
}

interface EngineMessage {
  readonly id?: string;
  readonly aux?: string | { readonly ID?: string };
  readonly error?: string;
  readonly errorDetail?: { readonly message?: string };
  readonly message?: string;
}

function parse(line: string): EngineMessage | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return value && typeof value === 'object' ? (value as EngineMessage) : undefined;
  } catch {
    return undefined;
  }
}
