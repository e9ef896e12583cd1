import { BlockList, isIP } from 'node:net';
import { isK3dClusterName } from '../core/k3d-name.ts';
import { err, ok, type Result } from '../core/result.ts';
import type { HostLookup } from '../system/host-lookup.ts';
import type { DeliveryError } from './delivery-error.ts';
import type { EndpointRole, RemoteEndpoint } from './remote-endpoint.ts';

/**
 * A kube context as delivery needs it: its name and where its requests go.
 * The k8s adapter lists these from the kubeconfig; delivery never reads
 * kubeconfig files itself.
 */
export interface KubeContextDescription {
  readonly name: string;
  /** API server URL of the context's cluster, e.g. `https://127.0.0.1:6443`. */
  readonly server: string | undefined;
  /** The cluster's `proxy-url`: when set, every request (and its credentials) goes there first. */
  readonly proxyUrl?: string | undefined;
}

/** Why one URL of a context leads to this machine. */
export type LocalEndpoint =
  | { readonly role: EndpointRole; readonly kind: 'loopback-address'; readonly host: string }
  /** `0.0.0.0` / `::` (k3d writes `https://0.0.0.0:<port>`): connecting to it reaches this machine. */
  | { readonly role: EndpointRole; readonly kind: 'unspecified-address'; readonly host: string }
  | { readonly role: EndpointRole; readonly kind: 'unix-socket'; readonly path: string }
  | { readonly role: EndpointRole; readonly kind: 'loopback-name'; readonly host: string; readonly addresses: readonly string[] };

/** Why devloop may use a context, so doctor and delivery can say so. */
export type ContextVerdict =
  | { readonly kind: 'local'; readonly endpoints: readonly LocalEndpoint[] }
  | { readonly kind: 'allowed'; readonly remote: RemoteEndpoint };

/** The refusal: the context is not local and not in `cluster.allowContexts`. */
export type ContextNotLocal = Extract<DeliveryError, { reason: 'context-not-local' }>;

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/** True for an IP address on the loopback interface (127.0.0.0/8, ::1, and IPv4-mapped forms). */
export function isLoopbackAddress(address: string): boolean {
  const a = bare(address);
  const family = isIP(a);
  return family !== 0 && loopback.check(a, family === 6 ? 'ipv6' : 'ipv4');
}

function isUnspecifiedAddress(address: string): boolean {
  const a = bare(address);
  return a === '0.0.0.0' || a === '::' || a === '0:0:0:0:0:0:0:0';
}

/**
 * Names that are meant to mean this machine: `localhost` and its subdomains
 * (RFC 6761) and Docker Desktop's `*.docker.internal`. They count as local
 * only once a lookup shows they resolve to loopback alone.
 */
export function isLocalhostName(host: string): boolean {
  const h = bare(host);
  return h === 'localhost' || h.endsWith('.localhost') || h.endsWith('.docker.internal');
}

/**
 * By its spelling alone, does `host` look like this machine? A guess for
 * choosing between http and https, never a safety decision: kube contexts go
 * through `checkContext`, which resolves names.
 */
export function isLoopbackHost(host: string): boolean {
  return isLoopbackAddress(host) || isUnspecifiedAddress(host) || isLocalhostName(host);
}

const schemes = new Set(['http:', 'https:', 'socks:', 'socks4:', 'socks4a:', 'socks5:', 'socks5h:']);

/**
 * The part of the decision that needs no network: a URL is on this machine,
 * off it, or a localhost-style name whose addresses decide.
 */
export function placeUrl(
  role: EndpointRole,
  url: string,
): { readonly local: LocalEndpoint } | { readonly remote: RemoteEndpoint } | { readonly lookup: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { remote: { role, kind: 'not-a-url' } };
  }
  if (parsed.protocol === 'unix:') return { local: { role, kind: 'unix-socket', path: parsed.pathname } };
  if (!schemes.has(parsed.protocol)) return { remote: { role, kind: 'unsupported-scheme', scheme: parsed.protocol.replace(/:$/, '') } };
  const host = bare(parsed.hostname);
  if (host === '') return { remote: { role, kind: 'not-a-url' } };
  if (isIP(host) !== 0) {
    if (isLoopbackAddress(host)) return { local: { role, kind: 'loopback-address', host } };
    if (isUnspecifiedAddress(host)) return { local: { role, kind: 'unspecified-address', host } };
    return { remote: { role, kind: 'remote-address', host } };
  }
  return isLocalhostName(host) ? { lookup: host } : { remote: { role, kind: 'remote-name', host } };
}

/** Places one URL, resolving a localhost-style name now: it is local only when every address is loopback. */
async function placeEndpoint(role: EndpointRole, url: string, lookup: HostLookup): Promise<Result<LocalEndpoint, RemoteEndpoint>> {
  const placed = placeUrl(role, url);
  if ('local' in placed) return ok(placed.local);
  if ('remote' in placed) return err(placed.remote);
  const host = placed.lookup;
  const looked = await lookup(host);
  if (!looked.ok) return err({ role, kind: 'name-unresolved', host, detail: looked.error });
  const addresses = looked.value;
  if (addresses.length === 0 || !addresses.every(isLoopbackAddress)) return err({ role, kind: 'name-not-loopback', host, addresses });
  return ok({ role, kind: 'loopback-name', host, addresses });
}

/**
 * Decides whether devloop may talk to `context` at all. A context is local
 * only by where its requests go, never by its name: its API server (and its
 * `proxy-url`, when set) must be a loopback address, a unix socket, or a
 * `*.localhost`-style name that resolves only to loopback right now.
 * Anything else must be named in `cluster.allowContexts`. Callers check this
 * before any request that carries the context's credentials, and before
 * anything is built.
 */
export async function checkContext(options: {
  readonly context: KubeContextDescription;
  readonly allowContexts: readonly string[];
  readonly lookup: HostLookup;
}): Promise<Result<ContextVerdict, ContextNotLocal>> {
  const { context, allowContexts, lookup } = options;
  const urls: [EndpointRole, string | undefined][] = [['server', context.server]];
  if (context.proxyUrl) urls.push(['proxy-url', context.proxyUrl]);
  const endpoints: LocalEndpoint[] = [];
  let remote: RemoteEndpoint | undefined;
  for (const [role, url] of urls) {
    const placed = url ? await placeEndpoint(role, url, lookup) : err<RemoteEndpoint>({ role: 'server', kind: 'missing' });
    if (!placed.ok) {
      remote = placed.error;
      break;
    }
    endpoints.push(placed.value);
  }
  if (!remote) return ok({ kind: 'local', endpoints });
  if (allowContexts.includes(context.name)) return ok({ kind: 'allowed', remote });
  return err({ reason: 'context-not-local', context: context.name, remote });
}

/**
 * The k3d cluster a `k3d-<cluster>` context is named after, when that is a
 * valid k3d cluster name. Naming only: it says which k3d cluster to ask
 * about, never whether the context is local.
 */
export function k3dClusterOfContext(contextName: string): string | undefined {
  const cluster = contextName.startsWith('k3d-') ? contextName.slice(4) : undefined;
  return cluster !== undefined && isK3dClusterName(cluster) ? cluster : undefined;
}

/** `[::1]` → `::1`, `Api.Localhost.` → `api.localhost`. */
function bare(host: string): string {
  return host
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
}
