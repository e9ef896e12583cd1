import type { ResolvedImage } from '../config/resolved-config.ts';

/** An image as the config resolves it, built from `/p/<name>` with its own Dockerfile and repository. */
export function resolvedImage(name: string, extra: Partial<ResolvedImage> = {}): ResolvedImage {
  return {
    name,
    context: `/p/${name}`,
    dockerfile: `/p/${name}/Dockerfile`,
    target: undefined,
    buildArgs: {},
    secrets: {},
    dependsOn: [],
    ignore: [],
    repository: name,
    ...extra,
  };
}
