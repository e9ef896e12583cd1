/**
 * Image references as Kubernetes reads them:
 * `[registry[:port]/][path/]name[:tag][@digest]`. Used to match manifest
 * containers to devloop images and to predict the pull policy the API server
 * will default to.
 */
export interface ParsedImageRef {
  /** Everything before the tag and digest, e.g. `k3d-registry.localhost:5000/app`. */
  readonly repository: string;
  /** The repository without a registry host, e.g. `app`. */
  readonly path: string;
  readonly registry: string | undefined;
  readonly tag: string | undefined;
  readonly digest: string | undefined;
}

/** Splits a reference; it does not validate it (the kubelet does, as InvalidImageName). */
export function parseImageRef(ref: string): ParsedImageRef {
  let rest = ref.trim();
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
  const first = rest.split('/')[0] ?? '';
  const hasRegistry = rest.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  return {
    repository: rest,
    path: hasRegistry ? rest.slice(first.length + 1) : rest,
    registry: hasRegistry ? first : undefined,
    tag,
    digest,
  };
}

/** The policy the API server fills in when a container names none: `Always` for `latest` or no tag. */
export function defaultPullPolicy(ref: string): 'Always' | 'IfNotPresent' {
  const parsed = parseImageRef(ref);
  if (parsed.digest) return 'IfNotPresent';
  return parsed.tag === undefined || parsed.tag === 'latest' ? 'Always' : 'IfNotPresent';
}

/** The policy that will be in force: the one written, else the default. */
export function effectivePullPolicy(ref: string, written: string | undefined): string {
  return written ?? defaultPullPolicy(ref);
}

/**
 * True when `manifestImage` names the devloop image whose repository is
 * `repository`: the same repository, or the same path under any registry.
 */
export function sameRepository(manifestImage: string, repository: string): boolean {
  const a = parseImageRef(manifestImage);
  const b = parseImageRef(repository);
  return a.repository === b.repository || a.path === b.path;
}
