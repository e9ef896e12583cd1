import * as path from 'node:path';
import { ignoreFileCandidates } from '../core/docker-ignore-files.ts';
import { type FileSystem, isPermissionDenied } from '../system/file-system.ts';

/**
 * The first file Docker must read before a build that this user may not
 * (permission denied): the Dockerfile, then the ignore file in effect.
 * Checked up front so that a config or usage error names it, instead of a
 * read failing deep inside plan or lint.
 */
export async function unreadableBuildFile(fs: FileSystem, dir: string, dockerfile: string): Promise<string | undefined> {
  const [specific, contextWide] = ignoreFileCandidates(dir, dockerfile);
  const ignoreInEffect = (await fs.stat(specific))?.kind === 'file' ? specific : contextWide;
  for (const file of [path.resolve(dir, dockerfile), ignoreInEffect]) {
    if ((await fs.stat(file))?.kind !== 'file') continue;
    try {
      await fs.readBytes(file);
    } catch (error) {
      if (isPermissionDenied(error)) return file;
      throw error;
    }
  }
  return undefined;
}
