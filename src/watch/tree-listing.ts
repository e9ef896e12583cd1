import * as path from 'node:path';
import type { DirEntry, FileStat, FileSystem } from '../system/file-system.ts';

/** Told of each path found changed: a file appeared, its inode changed, or it went away. */
export type ListingReport = (absolutePath: string, kind: 'add' | 'change' | 'unlink') => void;

/**
 * The names under the watch roots at one moment (directory listings only, no
 * stat per file), to find later what changed since without having watched.
 * The watcher takes one before it starts, so that it can say it is watching
 * at once: changes made before its own scan has covered a directory are
 * found by comparing with this listing once that scan is done.
 *
 * Each directory's entries are kept as one string (`d<name>` or `f<name>`,
 * joined by NUL, which no name contains): for 100k files about a megabyte.
 */
export class TreeListing {
  readonly #fs: FileSystem;
  /** Prunes a directory (absolute path): neither listed nor compared. */
  readonly #prune: (absoluteDir: string) => boolean;
  /** Root → 'd' (a directory), 'f' (anything else) or '' (nothing there). */
  readonly #roots = new Map<string, string>();
  /** The roots that are files, stat'ed when listed (`stampOf`). */
  readonly #rootStamps = new Map<string, string>();
  readonly #dirs = new Map<string, string>();
  #entries = 0;
  #sinceYield = 0;
  readonly #takenAt = Date.now();
  /** Whether the roots' times have fractions of a second (or the file system keeps whole seconds). */
  #fineTimes = false;

  private constructor(fs: FileSystem, prune: (absoluteDir: string) => boolean) {
    this.#fs = fs;
    this.#prune = prune;
  }

  /** Lists every directory under `roots` that `prune` keeps. */
  static async take(fs: FileSystem, roots: readonly string[], prune: (absoluteDir: string) => boolean): Promise<TreeListing> {
    const listing = new TreeListing(fs, prune);
    for (const root of roots) {
      const stat = await fs.stat(root);
      if (stat && !stat.mtimeNs.endsWith('000000000')) listing.#fineTimes = true;
      const kind = stat === undefined ? '' : stat.kind === 'directory' ? 'd' : 'f';
      listing.#roots.set(root, kind);
      if (kind === 'd' && !prune(root)) listing.#list(root);
      else if (stat && kind === 'f') {
        listing.#entries++;
        listing.#rootStamps.set(root, stampOf(stat));
      }
    }
    return listing;
  }

  /**
   * The inode change time from which a file counts as changed since the
   * listing: its start, less a margin. The kernel stamps inode changes from
   * a clock that may lag by a tick (1-10 ms), and some file systems keep
   * whole seconds (FAT two). A file changed within the margin before the
   * listing is reported once more; the margin is small enough that a reload
   * after an edit (which waits for a quiet period first) does not see the edit again.
   */
  get since(): number {
    return this.#takenAt - (this.#fineTimes ? 50 : 2000);
  }

  /** Entries listed (files, directories and other entries under the roots, and the roots that are files). */
  get entries(): number {
    return this.#entries;
  }

  /** Lists `dir` and below before returning: a few ms per thousand entries, steadier than a thread-pool round trip per directory on a busy machine. */
  #list(dir: string): void {
    const entries = this.#readDir(dir);
    if (!entries) return;
    const kept: string[] = [];
    for (const entry of entries) {
      if (entry.kind === 'directory') {
        const child = path.join(dir, entry.name);
        if (this.#prune(child)) continue;
        kept.push(`d${entry.name}`);
        this.#list(child);
      } else kept.push(`f${entry.name}`);
    }
    this.#entries += kept.length;
    this.#dirs.set(dir, kept.join('\0'));
  }

  /**
   * Directories to scan a group at a time, each group holding at most about
   * `limit` entries (their subtrees, less the directories of later groups;
   * a single directory with more entries than that is one group), in path
   * order. The roots and whatever no group takes are left for the first scan.
   */
  groups(limit: number): string[][] {
    const split: { dir: string; size: number }[] = [];
    // The entries under `dir` that stay with it, after splitting off its largest subtrees while over the limit.
    const size = (dir: string): number => {
      const listed = this.#dirs.get(dir);
      if (!listed) return 0;
      const entries = listed.split('\0');
      let total = entries.length;
      const children: { dir: string; size: number }[] = [];
      for (const entry of entries) {
        if (entry[0] !== 'd') continue;
        const child = path.join(dir, entry.slice(1));
        const childSize = size(child);
        children.push({ dir: child, size: childSize });
        total += childSize;
      }
      children.sort((a, b) => b.size - a.size);
      for (const child of children) {
        if (total <= limit) break;
        split.push(child);
        total -= child.size;
      }
      return total;
    };
    for (const [root, kind] of this.#roots) if (kind === 'd') size(root);
    split.sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
    const groups: string[][] = [];
    let group: string[] = [];
    let total = 0;
    for (const { dir, size: entries } of split) {
      if (group.length > 0 && total + entries > limit) {
        groups.push(group);
        group = [];
        total = 0;
      }
      group.push(dir);
      total += entries;
    }
    if (group.length > 0) groups.push(group);
    return groups;
  }

  /**
   * Reports what differs now from the listing: names that appeared ('add'),
   * entries whose inode changed at or after `sinceMs` ('change', from their
   * ctime: a write, a chmod or a rename onto the name), and names gone ('unlink',
   * for each file of a directory gone). Stats every file under the roots,
   * synchronously in small batches.
   */
  async changesSince(sinceMs: number, report: ListingReport): Promise<void> {
    for (const [root, kind] of this.#roots) {
      const now = await this.#fs.stat(root);
      const stamp = this.#rootStamps.get(root);
      // A root that is a file (a config file) is compared exactly: an edit just before the listing, the one a reload follows, is not news.
      if (stamp !== undefined && now !== undefined && now.kind !== 'directory') {
        if (stampOf(now) !== stamp) report(root, 'change');
      } else await this.#compare(root, kind, now, sinceMs, report);
    }
  }

  async #compare(
    file: string,
    before: string | undefined,
    now: Pick<FileStat, 'kind' | 'ctimeMs'> | undefined,
    sinceMs: number,
    report: ListingReport,
  ): Promise<void> {
    if (now === undefined) {
      if (before) this.#gone(file, before, report);
    } else if (now.kind === 'directory') {
      if (before === 'f') report(file, 'unlink');
      if (!this.#prune(file)) await this.#compareDirectory(file, before === 'd' ? this.#dirs.get(file) : undefined, sinceMs, report);
    } else {
      if (before === 'd') this.#gone(file, before, report);
      if (before !== 'f') report(file, 'add');
      else if (now.ctimeMs >= sinceMs) report(file, 'change');
    }
  }

  async #compareDirectory(dir: string, listed: string | undefined, sinceMs: number, report: ListingReport): Promise<void> {
    const entries = this.#readDir(dir);
    if (!entries) return;
    const before = new Map<string, string>();
    if (listed) for (const entry of listed.split('\0')) before.set(entry.slice(1), entry[0] as string);
    for (const entry of entries) {
      const file = path.join(dir, entry.name);
      const kind = before.get(entry.name);
      before.delete(entry.name);
      if (entry.kind === 'directory') {
        await this.#compare(file, kind, { kind: 'directory', ctimeMs: 0 }, sinceMs, report);
        continue;
      }
      if (++this.#sinceYield >= yieldEvery) {
        this.#sinceYield = 0;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      await this.#compare(file, kind, this.#fs.statNow(file), sinceMs, report);
    }
    for (const [name, kind] of before) this.#gone(path.join(dir, name), kind, report);
  }

  /** 'unlink' for a file gone, or for each file listed under a directory gone. */
  #gone(file: string, kind: string, report: ListingReport): void {
    if (kind !== 'd') {
      report(file, 'unlink');
      return;
    }
    const listed = this.#dirs.get(file);
    if (listed) for (const entry of listed.split('\0')) this.#gone(path.join(file, entry.slice(1)), entry[0] as string, report);
  }

  /** A directory's entries (none when it went away); undefined when it may not be read: it is then neither listed nor compared, and the watcher reports the error itself. */
  #readDir(dir: string): readonly DirEntry[] | undefined {
    try {
      return this.#fs.readDirNow(dir);
    } catch {
      return undefined;
    }
  }
}

function stampOf(stat: FileStat): string {
  return `${stat.size}:${stat.mtimeNs}:${stat.ino}:${stat.ctimeMs}`;
}

/** Files stat'ed between two yields to the event loop while comparing. */
const yieldEvery = 64;
