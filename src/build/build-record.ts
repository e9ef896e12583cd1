import * as path from 'node:path';
import type { FileChange } from '../core/file-change.ts';
import type { FileSystem } from '../system/file-system.ts';
import type { InputFile } from './input-digest.ts';

/**
 * What an image's last successful build read, kept in devloop's cache
 * directory: enough to say, before calling Docker, which inputs changed
 * since then and so from which step Docker will rebuild.
 */
export interface BuildRecord {
  readonly digest: string;
  readonly dockerfileText: string;
  readonly dockerignoreText: string | undefined;
  readonly files: readonly InputFile[];
}

/** Reads and writes build records, one JSON file per image. */
export class BuildRecordStore {
  readonly #fs: FileSystem;
  readonly #dir: string;

  constructor({ fs, cacheDir }: { fs: FileSystem; cacheDir: string }) {
    this.#fs = fs;
    this.#dir = path.join(cacheDir, 'builds');
  }

  /** The last record of an image, or undefined when there is none (or it is unreadable). */
  async read(image: string): Promise<BuildRecord | undefined> {
    try {
      const record = JSON.parse(await this.#fs.readText(this.#file(image))) as BuildRecord;
      return typeof record.digest === 'string' && Array.isArray(record.files) ? record : undefined;
    } catch {
      return undefined;
    }
  }

  /** Saves the record of a successful build. */
  async write(image: string, record: BuildRecord): Promise<void> {
    await this.#fs.writeTextAtomic(this.#file(image), JSON.stringify(record));
  }

  #file(image: string): string {
    return path.join(this.#dir, `${encodeURIComponent(image)}.json`);
  }
}

/** The file changes between a record and the current inputs: added, modified (content or mode) and deleted. */
export function diffInputs(before: readonly InputFile[], after: readonly InputFile[]): FileChange[] {
  const old = new Map(before.map((f) => [f.path, f]));
  const changes: FileChange[] = [];
  for (const f of after) {
    const previous = old.get(f.path);
    if (!previous) changes.push({ path: f.path, kind: 'add' });
    else if (previous.hash !== f.hash || previous.mode !== f.mode || previous.kind !== f.kind)
      changes.push({ path: f.path, kind: 'change' });
    old.delete(f.path);
  }
  for (const f of old.values()) changes.push({ path: f.path, kind: 'unlink' });
  return changes;
}
