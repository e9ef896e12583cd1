import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { FileStat, FileSystem } from '../system/file-system.ts';

/**
 * File content hashes that survive restarts. An entry is trusted while the
 * file's size, mtime and inode are unchanged, so a restart on a large tree
 * stats every file but reads none that did not change. Watcher events call
 * `invalidate` for writes that keep size and mtime (same-second saves).
 *
 * A file written in the same instant it was hashed could change again
 * without a visible mtime change ("racily clean", as git calls it); such
 * entries are rehashed instead of trusted.
 */
export class HashIndex {
  readonly #fs: FileSystem;
  readonly #file: string | undefined;
  readonly #entries: Map<string, Entry>;
  #dirty = false;
  #reads = 0;
  #hits = 0;

  private constructor(fs: FileSystem, file: string | undefined, entries: Map<string, Entry>) {
    this.#fs = fs;
    this.#file = file;
    this.#entries = entries;
  }

  /** Loads the index from `file` (a missing or unreadable file starts empty). Without `file`, nothing persists. */
  static async open({ fs, file }: { fs: FileSystem; file?: string }): Promise<HashIndex> {
    const entries = new Map<string, Entry>();
    if (file !== undefined) {
      try {
        const data = JSON.parse(await fs.readText(file)) as { version?: number; entries?: Record<string, Entry> };
        if (data.version === formatVersion && data.entries) {
          for (const [key, entry] of Object.entries(data.entries)) if (Array.isArray(entry) && entry.length === 5) entries.set(key, entry);
        }
      } catch {
        // Missing or corrupt: start over; it is only a cache.
      }
    }
    return new HashIndex(fs, file, entries);
  }

  /** sha256 (hex) of the file's content; reads the file only when its stat no longer matches the entry. */
  async hash(file: string, stat?: FileStat): Promise<string | undefined> {
    const current = stat ?? (await this.#fs.stat(file));
    if (current?.kind !== 'file') return undefined;
    const entry = this.#entries.get(file);
    if (entry && entry[0] === current.size && entry[1] === current.mtimeNs && entry[2] === current.ino && !racy(entry)) {
      this.#hits++;
      return entry[3];
    }
    const hashedAt = BigInt(Date.now()) * 1_000_000n;
    const content = await this.#fs.readBytes(file);
    this.#reads++;
    const digest = createHash('sha256').update(content).digest('hex');
    this.#entries.set(file, [current.size, current.mtimeNs, current.ino, digest, hashedAt.toString()]);
    this.#dirty = true;
    return digest;
  }

  /** Forgets these paths and everything below them (absolute paths, as the watcher reports them). */
  invalidate(paths: Iterable<string>): void {
    for (const changed of paths) {
      const prefix = `${changed}${path.sep}`;
      for (const key of this.#entries.keys()) {
        if (key === changed || key.startsWith(prefix)) {
          this.#entries.delete(key);
          this.#dirty = true;
        }
      }
    }
  }

  /** Writes the index if anything changed since it was loaded or saved. */
  async save(): Promise<void> {
    if (!this.#dirty || this.#file === undefined) return;
    await this.#fs.writeTextAtomic(this.#file, JSON.stringify({ version: formatVersion, entries: Object.fromEntries(this.#entries) }));
    this.#dirty = false;
  }

  /** How many hashes were answered from the index and how many files were read, since opening. */
  get stats(): { readonly hits: number; readonly reads: number; readonly entries: number } {
    return { hits: this.#hits, reads: this.#reads, entries: this.#entries.size };
  }
}

/** [size, mtimeNs, inode, sha256, hashedAtNs] — arrays keep a 100k-file index small. */
type Entry = [number, string, string, string, string];

const formatVersion = 1;
/** Writes this close to the hashing instant might not have moved mtime. */
const racyWindowNs = 2_000_000_000n;

function racy(entry: Entry): boolean {
  try {
    return BigInt(entry[1]) + racyWindowNs >= BigInt(entry[4]);
  } catch {
    return true;
  }
}

/**
 * Where devloop keeps its per-project cache: `${XDG_CACHE_HOME:-~/.cache}/devloop/<sha of the project root>`.
 * Never inside the project, where it would become part of a build context.
 */
export function cacheDirectory({ projectRoot, env }: { projectRoot: string; env: Readonly<Record<string, string | undefined>> }): string {
  const base = env.XDG_CACHE_HOME || path.join(env.HOME || '/tmp', '.cache');
  const id = createHash('sha256').update(path.resolve(projectRoot)).digest('hex').slice(0, 16);
  return path.join(base, 'devloop', id);
}

/** The index file inside the cache directory. */
export function hashIndexFile(cacheDir: string): string {
  return path.join(cacheDir, 'hash-index.json');
}
