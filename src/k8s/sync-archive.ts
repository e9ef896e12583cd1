import type { SyncFile } from '../core/sync-file.ts';
import type { FileSystem } from '../system/file-system.ts';
import { type TarEntry, tarArchive } from '../system/tar-archive.ts';

/**
 * What a sync sends into a container: the files to write as one tar archive
 * (undefined when there are none) and the container paths to delete. The
 * project is read now: a symlink is copied as the file it points to, a path
 * that is gone (also since the plan) is deleted, a directory needs nothing.
 */
export async function syncArchive(
  fs: FileSystem,
  files: readonly SyncFile[],
): Promise<{ archive: Uint8Array | undefined; deletions: string[] }> {
  const entries: TarEntry[] = [];
  const deletions: string[] = [];
  for (const file of files) {
    const local = file.kind === 'write' ? await fs.realPath(file.localPath) : undefined;
    const stat = local === undefined ? undefined : await fs.stat(local);
    if (local !== undefined && stat?.kind === 'file') {
      entries.push({ path: file.containerPath, content: await fs.readBytes(local), mode: stat.mode });
    } else if (stat === undefined) deletions.push(file.containerPath);
  }
  return { archive: entries.length > 0 ? tarArchive(entries) : undefined, deletions };
}
