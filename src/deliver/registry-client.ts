import { err, ok, type Result } from '../core/result.ts';
import { unreachable } from '../core/unreachable.ts';
import type { DeliveryError } from './delivery-error.ts';
import { isLoopbackHost } from './local-context.ts';

/** Why a registry could not be asked. */
export type RegistryFailure =
  | { readonly reason: 'registry-unreachable'; readonly host: string; readonly detail: string }
  | { readonly reason: 'registry-name-unresolvable'; readonly host: string };

/** A manifest's layers, to count the bytes a push moved. */
export interface ManifestLayers {
  readonly digest: string;
  readonly layers: readonly { readonly digest: string; readonly size: number }[];
  /** The image config's `rootfs.diff_ids`, in layer order (what `docker push` names layers by); empty when unknown. */
  readonly diffIds: readonly string[];
}

/**
 * The Docker Registry HTTP API v2, only as far as delivery needs it: is the
 * registry up, does it hold a tag, what layers does a tag have. Behind an
 * interface so the choice logic is tested without a registry.
 */
export interface RegistryClient {
  /** `GET /v2/`: 200 or 401 means a registry answers. */
  ping(host: string): Promise<Result<void, RegistryFailure>>;
  /** `HEAD /v2/<repo>/manifests/<tag>`: the manifest digest when present, undefined when not (or not knowable, e.g. 401). */
  manifestDigest(host: string, repository: string, tag: string): Promise<Result<string | undefined, RegistryFailure>>;
  /** `GET /v2/<repo>/manifests/<tag>` and its config blob: layers, their compressed sizes and diff ids; undefined when absent. */
  manifestLayers(host: string, repository: string, tag: string): Promise<Result<ManifestLayers | undefined, RegistryFailure>>;
}

/** Manifest media types a registry may hold for one tag. */
export const MANIFEST_ACCEPT = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
].join(', ');

/**
 * `RegistryClient` over the global fetch. Loopback registries (what k3d
 * creates) speak plain HTTP, like Docker assumes for 127.0.0.0/8; others are
 * tried over HTTPS first and then HTTP. A `registryHost` may carry a path
 * prefix (`ghcr.io/team`), which goes in front of the repository. Sends no
 * credentials, so it can never leak one.
 */
export class FetchRegistryClient implements RegistryClient {
  readonly #timeoutMs: number;
  readonly #schemes = new Map<string, 'http' | 'https'>();

  constructor(options: { readonly timeoutMs?: number } = {}) {
    this.#timeoutMs = options.timeoutMs ?? 5000;
  }

  async ping(host: string): Promise<Result<void, RegistryFailure>> {
    const response = await this.#request(host, '/v2/', 'GET');
    if (!response.ok) return response;
    const status = response.value.status;
    if (status === 200 || status === 401) return ok(undefined);
    return err({ reason: 'registry-unreachable', host, detail: `GET /v2/ answered HTTP ${status}, not a registry` });
  }

  async manifestDigest(host: string, repository: string, tag: string): Promise<Result<string | undefined, RegistryFailure>> {
    const response = await this.#request(host, manifestPath(host, repository, tag), 'HEAD');
    if (!response.ok) return response;
    if (response.value.status !== 200) return ok(undefined);
    return ok(response.value.headers.get('docker-content-digest') ?? 'present');
  }

  async manifestLayers(host: string, repository: string, tag: string): Promise<Result<ManifestLayers | undefined, RegistryFailure>> {
    const response = await this.#request(host, manifestPath(host, repository, tag), 'GET');
    if (!response.ok) return response;
    if (response.value.status !== 200) return ok(undefined);
    const body = (await response.value.json().catch(() => undefined)) as
      | { layers?: { digest?: unknown; size?: unknown }[]; config?: { digest?: unknown } }
      | undefined;
    const layers = (body?.layers ?? []).flatMap((l) =>
      typeof l.digest === 'string' && typeof l.size === 'number' ? [{ digest: l.digest, size: l.size }] : [],
    );
    const configDigest = body?.config?.digest;
    const diffIds =
      typeof configDigest === 'string' && /^[a-z0-9]+:[a-f0-9]+$/.test(configDigest)
        ? await this.#diffIds(host, repository, configDigest)
        : [];
    return ok({ digest: response.value.headers.get('docker-content-digest') ?? '', layers, diffIds });
  }

  /** `rootfs.diff_ids` from an image config blob; empty when it cannot be read. */
  async #diffIds(host: string, repository: string, digest: string): Promise<string[]> {
    const response = await this.#request(host, blobPath(host, repository, digest), 'GET');
    if (!response.ok || response.value.status !== 200) return [];
    const config = (await response.value.json().catch(() => undefined)) as { rootfs?: { diff_ids?: unknown } } | undefined;
    const ids = config?.rootfs?.diff_ids;
    return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
  }

  async #request(host: string, path: string, method: 'GET' | 'HEAD'): Promise<Result<Response, RegistryFailure>> {
    const authority = host.split('/')[0] ?? host;
    const known = this.#schemes.get(authority);
    const schemes: ('http' | 'https')[] = known
      ? [known]
      : isLoopbackHost(authority.replace(/:\d+$/, ''))
        ? ['http', 'https']
        : ['https', 'http'];
    let failure: RegistryFailure | undefined;
    for (const scheme of schemes) {
      try {
        const response = await fetch(`${scheme}://${authority}${path}`, {
          method,
          headers: { Accept: MANIFEST_ACCEPT },
          redirect: 'follow',
          signal: AbortSignal.timeout(this.#timeoutMs),
        });
        if (method === 'HEAD') await response.body?.cancel();
        this.#schemes.set(authority, scheme);
        return ok(response);
      } catch (error) {
        failure = classify(host, error);
        if (failure.reason === 'registry-name-unresolvable') return err(failure);
      }
    }
    return err(failure ?? { reason: 'registry-unreachable', host, detail: 'no answer' });
  }
}

function manifestPath(host: string, repository: string, tag: string): string {
  return `/v2/${repositoryPath(host, repository)}/manifests/${encodeURIComponent(tag)}`;
}

function blobPath(host: string, repository: string, digest: string): string {
  // A digest is `algorithm:hex`; checked, so it can go into the path as it is.
  if (!/^[a-z0-9]+:[a-f0-9]+$/.test(digest)) throw new Error(`not a digest: ${digest}`);
  return `/v2/${repositoryPath(host, repository)}/blobs/${digest}`;
}

/** The repository under the host's path prefix, if any (`ghcr.io/team` + `api` → `team/api`). */
function repositoryPath(host: string, repository: string): string {
  const prefix = host.split('/').slice(1).join('/');
  return prefix ? `${prefix}/${repository}` : repository;
}

/** Turns a fetch exception into a failure, by the system error code under it. */
function classify(host: string, error: unknown): RegistryFailure {
  const codes: string[] = [];
  let messages = '';
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const e = current as { code?: unknown; message?: unknown; cause?: unknown; name?: unknown };
    if (typeof e.code === 'string') codes.push(e.code);
    if (typeof e.message === 'string') messages = e.message;
    if (e.name === 'TimeoutError') codes.push('ETIMEDOUT');
    current = e.cause;
  }
  if (codes.some((c) => c === 'ENOTFOUND' || c === 'EAI_AGAIN' || c === 'EAI_NONAME'))
    return { reason: 'registry-name-unresolvable', host };
  const detail = codes.includes('ECONNREFUSED')
    ? 'connection refused (nothing listens there)'
    : codes.includes('ETIMEDOUT') || codes.includes('UND_ERR_CONNECT_TIMEOUT')
      ? 'timed out'
      : codes[0]
        ? `${codes[0]}: ${messages}`
        : messages || 'request failed';
  return { reason: 'registry-unreachable', host, detail };
}

/**
 * A registry failure as a delivery error. An unresolvable `*.localhost`
 * name gets the loopback address with the same port as the fix.
 */
export function registryFailureToError(failure: RegistryFailure): DeliveryError {
  switch (failure.reason) {
    case 'registry-unreachable':
      return failure;
    case 'registry-name-unresolvable': {
      const match = /^([^/:]+)(?::(\d+))?/.exec(failure.host);
      const name = match?.[1] ?? '';
      const port = match?.[2];
      const suggestion = name.endsWith('.localhost') || name === 'localhost' ? `localhost${port ? `:${port}` : ''}` : undefined;
      return { reason: 'registry-name-unresolvable', host: failure.host, suggestion };
    }
    default:
      return unreachable(failure);
  }
}
