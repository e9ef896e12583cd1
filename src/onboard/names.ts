/** Defaults onboarding writes and `devloop cluster` falls back to: k3d's usual local registry set-up. */
export const onboardDefaults = {
  /** The k3d registry a new project pushes to and its nodes pull from. */
  registry: 'k3d-registry.localhost:5000',
  port: 8080,
  healthPath: '/healthz',
  /** Base images users get; pinned to a version, never `latest`. */
  baseImages: {
    python: 'python:3.12-slim',
    node: 'node:22-slim',
    go: 'golang:1.23-bookworm',
  },
  goRuntimeImage: 'gcr.io/distroless/static-debian12:nonroot',
} as const;

/**
 * Turns any project name (a directory, an npm scope, a Go module path) into
 * a name Kubernetes and devloop accept: lowercase DNS-1123 label, ≤ 63 chars.
 */
export function toResourceName(raw: string): string {
  const last = raw.split('/').filter(Boolean).at(-1) ?? raw;
  const cleaned = last
    .toLowerCase()
    .replace(/^@/, '')
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return /^[a-z]/.test(cleaned) ? cleaned : `app${cleaned ? `-${cleaned}` : ''}`.slice(0, 63);
}

/** True when `name` is a valid DNS-1123 label (what resource and cluster names must be). */
export function isResourceName(name: string): boolean {
  return /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/.test(name);
}

/** A registry as `name:port`, split; the port defaults to 5000 (k3d's internal port). */
export interface RegistryAddress {
  /** Container and host name, e.g. `k3d-registry.localhost`. */
  readonly name: string;
  readonly port: number;
}

/** Splits `k3d-registry.localhost:5000`; undefined when it is not `host[:port]`. */
export function parseRegistryAddress(text: string): RegistryAddress | undefined {
  const match = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?)(?::(\d{1,5}))?$/i.exec(text.trim());
  if (!match?.[1]) return undefined;
  const port = match[3] ? Number(match[3]) : 5000;
  return port > 0 && port < 65536 ? { name: match[1], port } : undefined;
}
