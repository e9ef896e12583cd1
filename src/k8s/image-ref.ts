import { imageName, parseImageRef } from '../core/image-ref.ts';

/**
 * Pull policies as the API server defaults them, and matching manifest
 * containers to devloop images.
 */

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
  return (
    imageName(manifestImage) === imageName(repository) || parseImageRef(manifestImage).repository === parseImageRef(repository).repository
  );
}
