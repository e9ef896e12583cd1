/**
 * The file system as devloop needs it. `node-file-system.ts` is the only file
 * that imports node:fs; tests may use a real temporary directory or a fake.
 */
export interface FileSystem {
  readText(path: string): Promise<string>;
  readBytes(path: string): Promise<Uint8Array>;
  /** Undefined when nothing is at `path`. Follows no symlinks (lstat). */
  stat(path: string): Promise<FileStat | undefined>;
  /**
   * `stat` and `readBytes` answered before returning (blocking the event
   * loop): for walks over many small files, where a thread-pool round trip
   * per call costs several times the call. Callers keep the batches small and yield between them.
   */
  statNow(path: string): FileStat | undefined;
  /**
   * With `into`, the content is read into that buffer when it fits and a view
   * of it is returned (valid until the caller fills the buffer again): no
   * allocation, and with `expectedSize` from a stat just before, no second
   * system call to learn the size. A file larger than the buffer gets a new one.
   */
  readBytesNow(path: string, into?: { readonly buffer: Uint8Array; readonly expectedSize: number }): Uint8Array;
  /** `readDir` answered before returning. */
  readDirNow(path: string): DirEntry[];
  /** The path with every symlink followed (realpath); undefined when it leads nowhere. */
  realPath(path: string): Promise<string | undefined>;
  writeText(path: string, text: string): Promise<void>;
  /**
   * Writes through a temporary file and a rename, so readers never see half a
   * file. Text given in pieces is written piece by piece, never joined: a
   * large file then costs no copy of itself in memory.
   */
  writeTextAtomic(path: string, text: string | Iterable<string>): Promise<void>;
  mkdirp(path: string): Promise<void>;
  /** Entries of a directory (names only), empty when it does not exist. */
  readDir(path: string): Promise<DirEntry[]>;
  /** Files matching glob patterns under `cwd`, as paths relative to it, sorted. */
  glob(patterns: readonly string[], cwd: string): Promise<string[]>;
  remove(path: string): Promise<void>;
}

/**
 * True for the error a read throws when this user may not read the path
 * (EACCES, EPERM): an expected condition of the user's files that callers
 * turn into a message naming the path, never a crash.
 */
export function isPermissionDenied(error: unknown): boolean {
  const code = (error as { code?: string } | undefined)?.code;
  return code === 'EACCES' || code === 'EPERM';
}

export interface FileStat {
  readonly kind: 'file' | 'directory' | 'symlink' | 'other';
  readonly size: number;
  /** Modification time in nanoseconds since the epoch, as a bigint-safe string. */
  readonly mtimeNs: string;
  /**
   * When the inode last changed (content, mode, a rename), in ms since the
   * epoch. Unlike mtime no program can set it back, so "changed since T"
   * can be asked of it.
   */
  readonly ctimeMs: number;
  readonly ino: string;
  readonly mode: number;
}

export interface DirEntry {
  readonly name: string;
  readonly kind: FileStat['kind'];
}
