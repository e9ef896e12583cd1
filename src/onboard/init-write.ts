import * as path from 'node:path';
import type { FileSystem } from '../system/file-system.ts';
import type { PlannedFile } from './init-plan.ts';

/** What happened to one planned file. */
export type WriteOutcome = 'created' | 'overwritten' | 'kept';

export interface WrittenFile {
  readonly file: PlannedFile;
  readonly outcome: WriteOutcome;
}

/**
 * Writes the planned files that are missing; an existing file is kept
 * untouched unless `force` is set. Writes are atomic, so an interrupted
 * init never leaves half a Dockerfile.
 */
export async function writeInitFiles(options: {
  readonly fs: FileSystem;
  readonly dir: string;
  readonly files: readonly PlannedFile[];
  readonly force: boolean;
  /** Only report what would happen. */
  readonly dryRun?: boolean;
}): Promise<WrittenFile[]> {
  const { fs, dir, files, force } = options;
  const results: WrittenFile[] = [];
  for (const file of files) {
    const target = path.join(dir, file.path);
    const exists = (await fs.stat(target)) !== undefined;
    if (exists && !force) {
      results.push({ file, outcome: 'kept' });
      continue;
    }
    if (!options.dryRun) await fs.writeTextAtomic(target, file.content);
    results.push({ file, outcome: exists ? 'overwritten' : 'created' });
  }
  return results;
}
