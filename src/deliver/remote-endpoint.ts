import { unreachable } from '../core/unreachable.ts';

/** Which URL of a context a finding is about. */
export type EndpointRole = 'server' | 'proxy-url';

/** Why one URL of a context may lead off this machine. Carries host names only, never a whole URL. */
export type RemoteEndpoint =
  | { readonly role: 'server'; readonly kind: 'missing' }
  | { readonly role: EndpointRole; readonly kind: 'not-a-url' }
  | { readonly role: EndpointRole; readonly kind: 'unsupported-scheme'; readonly scheme: string }
  | { readonly role: EndpointRole; readonly kind: 'remote-address'; readonly host: string }
  /** A name outside the `localhost` family: whatever it resolves to now, it may resolve elsewhere later. */
  | { readonly role: EndpointRole; readonly kind: 'remote-name'; readonly host: string }
  | { readonly role: EndpointRole; readonly kind: 'name-not-loopback'; readonly host: string; readonly addresses: readonly string[] }
  | { readonly role: EndpointRole; readonly kind: 'name-unresolved'; readonly host: string; readonly detail: string };

/** One sentence on why a URL of a context may lead off this machine (host names only). */
export function describeRemoteEndpoint(remote: RemoteEndpoint): string {
  const what = remote.role === 'server' ? 'API server' : 'proxy-url';
  switch (remote.kind) {
    case 'missing':
      return 'its cluster names no API server';
    case 'not-a-url':
      return `its ${what} is not a URL with a host`;
    case 'unsupported-scheme':
      return `its ${what} uses "${remote.scheme}:", which devloop cannot place on this machine`;
    case 'remote-address':
      return `its ${what} ${remote.host} is not a loopback address`;
    case 'remote-name':
      return `its ${what} ${remote.host} is neither a loopback address nor a localhost name`;
    case 'name-not-loopback':
      return `its ${what} ${remote.host} resolves to ${remote.addresses.join(', ') || 'no address'}, not only to loopback`;
    case 'name-unresolved':
      return `its ${what} ${remote.host} does not resolve (${remote.detail})`;
    default:
      return unreachable(remote);
  }
}
