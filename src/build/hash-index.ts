import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { contentDigest, type FileHasher, type HashedFile, SerialFileHasher } from '../system/file-hasher.ts';
import type { FileStat, FileSystem } from '../system/file-system.ts';

/**
 * File content hashes that survive restarts. An entry is trusted while the
 * file's size, mtime and inode are unchanged, so a restart on a large tree
 * stats every file but reads none that did not change. Watcher events call
 * `invalidate` for writes that keep size and mtime (same-second saves).
 *
 * A file written in the same instant it was hashed could change again
 * without a visible mtime change ("racily clean", as git calls it); such
 * hashes are not kept, so the file is read again next time.
 *
 * Entries are grouped by directory, and each is one string
 * (`size:mtimeNs:ino sha256`): at 100k files that is about half the memory
 * of a path-keyed map of arrays, the file stores each directory once, and
 * invalidating a file or a directory does not scan every entry.
 */
export class HashIndex {
  readonly #fs: FileSystem;
  readonly #file: string | undefined;
  /** Reads the files of a large batch (on other threads when given one). */
  readonly #hasher: FileHasher;
  /** Reads the files of a small batch, on this thread: starting a thread costs more than a few reads. */
  readonly #serial: SerialFileHasher;
  /** Directory → file name → `size:mtimeNs:ino sha256hex`. */
  readonly #dirs: Map<string, Map<string, string>>;
  #dirty = false;
  #reads = 0;
  #hits = 0;

  private constructor(fs: FileSystem, file: string | undefined, dirs: Map<string, Map<string, string>>, hasher: FileHasher | undefined) {
    this.#fs = fs;
    this.#file = file;
    this.#dirs = dirs;
    this.#serial = new SerialFileHasher(fs);
    this.#hasher = hasher ?? this.#serial;
  }

  /**
   * Loads the index from `file` (a missing, unreadable or older-format file
   * starts empty). Without `file`, nothing persists. `hasher` reads large
   * batches of files (`readMany`); `close` closes it.
   */
  static async open({ fs, file, hasher }: { fs: FileSystem; file?: string; hasher?: FileHasher }): Promise<HashIndex> {
    const dirs = new Map<string, Map<string, string>>();
    if (file !== undefined) {
      try {
        const data = JSON.parse(await fs.readText(file)) as { version?: number; dirs?: Record<string, Record<string, unknown>> };
        if (data.version === formatVersion && data.dirs && typeof data.dirs === 'object') {
          for (const dir in data.dirs) {
            const names = data.dirs[dir];
            if (!names || typeof names !== 'object') continue;
            const entries = new Map<string, string>();
            for (const name in names) {
              const entry = names[name];
              if (typeof entry === 'string' && entryShape.test(entry)) entries.set(name, entry);
            }
            if (entries.size > 0) dirs.set(dir, entries);
          }
        }
      } catch {
        // Missing or corrupt: start over; it is only a cache.
      }
    }
    return new HashIndex(fs, file, dirs, hasher);
  }

  /** sha256 (hex) of the file's content; reads the file only when its stat no longer matches the entry. */
  async hash(file: string, stat?: FileStat): Promise<string | undefined> {
    const current = stat ?? (await this.#fs.stat(file));
    if (current?.kind !== 'file') return undefined;
    const cached = this.#lookup(file, current);
    if (cached !== undefined) return cached;
    const readAtMs = Date.now();
    return this.#store(file, current, readAtMs, contentDigest(await this.#fs.readBytes(file)));
  }

  /** The names in `dir` the index holds entries for (a walk stats those first, as an entry most likely still holds). */
  knownNames(dir: string): { has(name: string): boolean } | undefined {
    return this.#dirs.get(dir);
  }

  /** The hash the entry for `file` vouches for at this stat, or undefined (nothing is read). */
  cached(file: string, stat: FileStat): string | undefined {
    return stat.kind === 'file' ? this.#lookup(file, stat) : undefined;
  }

  /**
   * Reads and hashes files without asking the index (for files it does not
   * know or no longer vouches for), keeping their entries: a batch of at
   * least `parallelFrom` files through the hasher given to `open`, a smaller
   * one on this thread. One answer per path, in order.
   */
  async readMany(files: readonly string[]): Promise<HashedFile[]> {
    const hasher = files.length >= parallelFrom ? this.#hasher : this.#serial;
    const answers = await hasher.hashFiles(files);
    // The digest kept is a slice of the entry, so the caller's copy costs no second string.
    for (const [i, answer] of answers.entries())
      if (answer.kind === 'hashed') answer.digest = this.#store(files[i] as string, answer.stat, answer.readAtMs, answer.digest);
    return answers;
  }

  /** Ends the hasher's threads, if it has any. */
  async close(): Promise<void> {
    await this.#hasher.close();
  }

  #lookup(file: string, stat: FileStat): string | undefined {
    const stamp = stampOf(stat);
    const entry = this.#dirs.get(path.dirname(file))?.get(path.basename(file));
    if (!entry?.startsWith(stamp)) return undefined;
    this.#hits++;
    return entry.slice(stamp.length);
  }

  /** Keeps the digest of content read (from `readAtMs` on) for `stat`, unless a later write could keep the same mtime. */
  #store(file: string, stat: FileStat, readAtMs: number, digest: string): string {
    this.#reads++;
    const dir = path.dirname(file);
    const name = path.basename(file);
    let entries = this.#dirs.get(dir);
    if (racy(stat.mtimeNs, readAtMs)) {
      if (entries?.delete(name)) this.#dirty = true;
      return digest;
    }
    if (!entries) {
      entries = new Map();
      this.#dirs.set(dir, entries);
    }
    const kept = stampOf(stat) + digest;
    entries.set(name, kept);
    this.#dirty = true;
    // The digest is a slice of the kept entry, so callers holding it cost no second copy.
    return kept.slice(kept.length - digest.length);
  }

  /** Forgets these paths and everything below them (absolute paths, as the watcher reports them). */
  invalidate(paths: Iterable<string>): void {
    for (const changed of paths) {
      if (this.#dirs.get(path.dirname(changed))?.delete(path.basename(changed))) this.#dirty = true;
      const prefix = `${changed}${path.sep}`;
      for (const dir of this.#dirs.keys()) {
        if (dir === changed || dir.startsWith(prefix)) {
          this.#dirs.delete(dir);
          this.#dirty = true;
        }
      }
    }
  }

  /** Writes the index if anything changed since it was loaded or saved; a directory at a time, so a large index is never one string in memory. */
  async save(): Promise<void> {
    if (!this.#dirty || this.#file === undefined) return;
    const dirs = this.#dirs;
    function* pieces(): Generator<string> {
      yield `{"version":${formatVersion},"dirs":{`;
      let first = true;
      for (const [dir, entries] of dirs) {
        if (entries.size === 0) continue;
        yield `${first ? '' : ','}${JSON.stringify(dir)}:${JSON.stringify(Object.fromEntries(entries))}`;
        first = false;
      }
      yield '}}';
    }
    // Cleared first: a hash stored while the pieces are written marks the index dirty again.
    this.#dirty = false;
    try {
      await this.#fs.writeTextAtomic(this.#file, pieces());
    } catch (error) {
      this.#dirty = true;
      throw error;
    }
  }

  /** How many hashes were answered from the index and how many files were read, since opening. */
  get stats(): { readonly hits: number; readonly reads: number; readonly entries: number } {
    let entries = 0;
    for (const names of this.#dirs.values()) entries += names.size;
    return { hits: this.#hits, reads: this.#reads, entries };
  }
}

/** Below this many files, `readMany` reads on the calling thread. */
const parallelFrom = 64;

/** Version 1 keyed arrays by absolute path; version 2 groups one-string entries by directory. */
const formatVersion = 2;
const entryShape = /^\d+:\d+:\d+ [0-9a-f]{64}$/;
/** Writes this close to the hashing instant might not have moved mtime. */
const racyWindowMs = 2000;

function stampOf(stat: FileStat): string {
  return `${stat.size}:${stat.mtimeNs}:${stat.ino} `;
}

/** True when the file may have been written again within its mtime's resolution after `hashedAtMs` (or the mtime is unreadable). */
function racy(mtimeNs: string, hashedAtMs: number): boolean {
  // In ms a double is exact to well under a microsecond, far finer than the window.
  return !(Number(mtimeNs) / 1e6 + racyWindowMs < hashedAtMs);
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
