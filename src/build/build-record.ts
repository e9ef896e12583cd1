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

/**
 * Reads and writes build records, one JSON file per image. The last record
 * read or written is kept and answered again while its file is unchanged
 * (size, mtime, inode): on a 100k-file context the file is ~10 MB of JSON,
 * and parsing it for every plan after an edit cost 0.4-0.7 s. The kept
 * record shares its entries with the plan's input list that was built.
 */
export class BuildRecordStore {
  readonly #fs: FileSystem;
  readonly #dir: string;
  readonly #kept = new Map<string, { readonly record: BuildRecord; readonly stamp: string }>();

  constructor({ fs, cacheDir }: { fs: FileSystem; cacheDir: string }) {
    this.#fs = fs;
    this.#dir = path.join(cacheDir, 'builds');
  }

  /** The last record of an image, or undefined when there is none (or it is unreadable). */
  async read(image: string): Promise<BuildRecord | undefined> {
    try {
      const file = this.#file(image);
      const stamp = await this.#stamp(file);
      if (stamp === undefined) return undefined;
      const kept = this.#kept.get(image);
      if (kept?.stamp === stamp) return kept.record;
      const record = JSON.parse(await this.#fs.readText(file)) as BuildRecord;
      if (typeof record.digest !== 'string' || !Array.isArray(record.files)) return undefined;
      this.#kept.set(image, { record, stamp });
      return record;
    } catch {
      return undefined;
    }
  }

  /** Saves the record of a successful build. */
  async write(image: string, record: BuildRecord): Promise<void> {
    this.#kept.delete(image);
    const file = this.#file(image);
    await this.#fs.writeTextAtomic(file, recordPieces(record));
    const stamp = await this.#stamp(file);
    if (stamp !== undefined) this.#kept.set(image, { record, stamp });
  }

  /** What changes when anyone writes the file (written through a rename, so a new inode each time). */
  async #stamp(file: string): Promise<string | undefined> {
    const stat = await this.#fs.stat(file);
    return stat?.kind === 'file' ? `${stat.size}:${stat.mtimeNs}:${stat.ino}` : undefined;
  }

  #file(image: string): string {
    return path.join(this.#dir, `${encodeURIComponent(image)}.json`);
  }
}

/**
 * `JSON.stringify(record)` in pieces of `filesPerPiece` entries: on a 100k-file
 * context the whole text is ~10 MB, which as one string (and its UTF-8 copy)
 * after every build kept the process's memory ~30 MB higher.
 */
function* recordPieces({ files, ...rest }: BuildRecord): Generator<string> {
  yield `${JSON.stringify(rest).slice(0, -1)}${Object.keys(rest).length > 0 ? ',' : ''}"files":[`;
  for (let i = 0; i < files.length; i += filesPerPiece)
    yield `${i > 0 ? ',' : ''}${files
      .slice(i, i + filesPerPiece)
      .map((f) => JSON.stringify(f))
      .join(',')}`;
  yield ']}';
}

const filesPerPiece = 1000;

/**
 * The file changes between a record and the current inputs: added, modified
 * (content or mode) and deleted; the added and modified in the order of
 * `after`, then the deleted in the order of `before`. Both lists are sorted
 * by path when devloop made them, so they are merged in one pass (an entry
 * the two lists share is unchanged without a look at it); lists out of order
 * are compared through a map.
 */
export function diffInputs(before: readonly InputFile[], after: readonly InputFile[]): FileChange[] {
  if (!strictlySorted(before) || !strictlySorted(after)) return diffByMap(before, after);
  const changes: FileChange[] = [];
  const deleted: FileChange[] = [];
  let i = 0;
  let j = 0;
  while (i < before.length || j < after.length) {
    const a = before[i];
    const b = after[j];
    if (a !== undefined && a === b) {
      // The same entry object: unchanged since the record (most of a large list after an edit).
      i++;
      j++;
      continue;
    }
    if (b === undefined || (a !== undefined && a.path < b.path)) {
      deleted.push({ path: (a as InputFile).path, kind: 'unlink' });
      i++;
    } else if (a === undefined || b.path < a.path) {
      changes.push({ path: b.path, kind: 'add' });
      j++;
    } else {
      if (changed(a, b)) changes.push({ path: b.path, kind: 'change' });
      i++;
      j++;
    }
  }
  return changes.concat(deleted);
}

/** Sorted by path in code-unit order (the order devloop sorts inputs in), each path once. */
function strictlySorted(files: readonly InputFile[]): boolean {
  for (let k = 1; k < files.length; k++) if (!((files[k - 1] as InputFile).path < (files[k] as InputFile).path)) return false;
  return true;
}

function changed(previous: InputFile, current: InputFile): boolean {
  return previous.hash !== current.hash || previous.mode !== current.mode || previous.kind !== current.kind;
}

function diffByMap(before: readonly InputFile[], after: readonly InputFile[]): FileChange[] {
  const old = new Map(before.map((f) => [f.path, f]));
  const changes: FileChange[] = [];
  for (const f of after) {
    const previous = old.get(f.path);
    if (!previous) changes.push({ path: f.path, kind: 'add' });
    else if (changed(previous, f)) changes.push({ path: f.path, kind: 'change' });
    old.delete(f.path);
  }
  for (const f of old.values()) changes.push({ path: f.path, kind: 'unlink' });
  return changes;
}
