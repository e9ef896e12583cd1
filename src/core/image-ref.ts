/**
 * Image references, `[registry/][namespace/]name[:tag][@digest]`, parsed
 * with Docker's rule: the first path part is a registry only when it
 * contains `.` or `:` or is `localhost`. Builds, delivery and manifests all
 * read references through this one parser.
 */
export interface ImageRef {
  /** Registry host[:port], undefined for Docker Hub names written without one. */
  readonly registry: string | undefined;
  /** Repository path without the registry, e.g. `library/busybox` or `team/api`. */
  readonly repository: string;
  readonly tag: string | undefined;
  readonly digest: string | undefined;
}

/** Splits a reference into its parts (never fails; odd input stays in `repository`). */
export function parseImageRef(ref: string): ImageRef {
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  let registry: string | undefined;
  const firstSlash = rest.indexOf('/');
  if (firstSlash > 0) {
    const first = rest.slice(0, firstSlash);
    if (first.includes('.') || first.includes(':') || first === 'localhost') {
      registry = first;
      rest = rest.slice(firstSlash + 1);
    }
  }
  return { registry, repository: rest, tag, digest };
}

/** Writes the parts back as a reference. */
export function formatImageRef(ref: ImageRef): string {
  return `${ref.registry ? `${ref.registry}/` : ''}${ref.repository}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/**
 * The fully qualified name containerd stores an image under: Docker Hub
 * names get `docker.io/` and single-part names `library/`; no tag means
 * `latest`. `myapp:dev` → `docker.io/library/myapp:dev`.
 */
export function normalizeImageRef(ref: string): string {
  const parsed = parseImageRef(ref);
  const registry = parsed.registry ?? 'docker.io';
  const repository = registry === 'docker.io' && !parsed.repository.includes('/') ? `library/${parsed.repository}` : parsed.repository;
  const tag = parsed.tag ?? (parsed.digest ? undefined : 'latest');
  return formatImageRef({ registry, repository, tag, digest: parsed.digest });
}

/** The repository and tag to push, under `registryHost` (which may carry a path prefix). */
export function refInRegistry(registryHost: string, repository: string, tag: string): string {
  return `${registryHost.replace(/\/+$/, '')}/${repository}:${tag}`;
}

/** The name without tag or digest: `k3d-registry.localhost:5000/app:v1` → `k3d-registry.localhost:5000/app`. */
export function imageName(ref: string): string {
  const parsed = parseImageRef(ref);
  return parsed.registry ? `${parsed.registry}/${parsed.repository}` : parsed.repository;
}
