import * as path from 'node:path';
import type { BuildContext } from '../../graph/build-context.ts';
import type { FileSystem } from '../../system/file-system.ts';
import { findSecrets, ignoreFileName } from './lint-image.ts';

/**
 * One warning per secret-looking file an image's build context sends to
 * Docker, paths relative to the project, saying which ignore file to add it
 * to: what `up` and `ci` say at start. A context that cannot be walked warns of nothing.
 */
export async function contextSecretWarnings(
  fs: FileSystem,
  options: { image: string; context: BuildContext; rootDir: string },
): Promise<string[]> {
  const { image, context, rootDir } = options;
  const ignoreFile = path.relative(rootDir, context.ignoreFile ?? path.join(context.dir, ignoreFileName(context)));
  const secrets = await findSecrets(fs, context).catch(() => []);
  return secrets.map((secret) => {
    const shown = path.relative(rootDir, path.join(context.dir, secret.path)) || secret.path;
    return `warning secrets-in-context: ${shown} (${secret.what}) is in the build context of ${image} and not ignored; add it to ${ignoreFile}`;
  });
}
