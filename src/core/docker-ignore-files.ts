import * as path from 'node:path';

/** The file name Docker reads ignore patterns from, at the context root. */
export const dockerignoreName = '.dockerignore';

/**
 * The ignore files Docker may apply to a build, first match wins, as
 * BuildKit's Dockerfile frontend decides: `<Dockerfile path>.dockerignore`
 * (beside the Dockerfile, named after it: `Dockerfile.dockerignore`,
 * `docker/api.Dockerfile.dockerignore`), else `.dockerignore` at the
 * context root. The classic builder reads only the second; see
 * `classicBuilderDisagrees`.
 */
export function ignoreFileCandidates(dir: string, dockerfile: string): [specific: string, contextWide: string] {
  return [`${path.resolve(dir, dockerfile)}.dockerignore`, path.join(dir, dockerignoreName)];
}
