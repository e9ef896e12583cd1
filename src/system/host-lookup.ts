import { lookup } from 'node:dns/promises';
import { err, ok, type Result } from '../core/result.ts';

/**
 * Resolves a host name to the addresses this machine would connect to
 * (what `getaddrinfo` answers, /etc/hosts included). Injected wherever a
 * decision depends on DNS, so that logic is tested without it.
 */
export type HostLookup = (host: string) => Promise<Result<readonly string[], string>>;

/** The real `HostLookup`: `dns.lookup` with every address, given up after `timeoutMs`. */
export function dnsLookup(timeoutMs = 5000): HostLookup {
  return async (host) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<Result<readonly string[], string>>((resolve) => {
      timer = setTimeout(() => resolve(err(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    const looked = lookup(host, { all: true }).then(
      (addresses) => ok(addresses.map((a) => a.address)),
      (error: unknown) => err(String((error as { code?: string }).code ?? (error as Error).message)),
    );
    try {
      return await Promise.race([looked, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
}
