import {
  type BigIntStats,
  closeSync,
  constants,
  type Dirent,
  fstatSync,
  lstat as lstatCallback,
  lstatSync,
  openSync,
  readdirSync,
  readFile as readFileCallback,
  readFileSync,
  readSync,
} from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { DirEntry, FileStat, FileSystem } from './file-system.ts';

/**
 * The real `FileSystem`. `readBytes` and `stat` use the callback API: for
 * small files it costs about half the CPU of node:fs/promises (no
 * FileHandle, fewer thread-pool hops); `statNow` and `readBytesNow`, used in
 * batches by the input walk, cost a fraction of that again.
 */
export class NodeFileSystem implements FileSystem {
  readText(file: string): Promise<string> {
    return fs.readFile(file, 'utf8');
  }

  readBytes(file: string): Promise<Uint8Array> {
    return new Promise((resolve, reject) => readFileCallback(file, (error, data) => (error ? reject(error) : resolve(data))));
  }

  async stat(file: string): Promise<FileStat | undefined> {
    try {
      return toFileStat(
        await new Promise<BigIntStats>((resolve, reject) =>
          lstatCallback(file, { bigint: true }, (error, stats) => (error ? reject(error) : resolve(stats))),
        ),
      );
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  statNow(file: string): FileStat | undefined {
    try {
      const s = lstatSync(file, { bigint: true, throwIfNoEntry: false });
      return s ? toFileStat(s) : undefined;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  readBytesNow(file: string, into?: { readonly buffer: Uint8Array; readonly expectedSize: number }): Uint8Array {
    if (!into || into.expectedSize >= into.buffer.length) return readFileSync(file);
    const fd = openSync(file, 'r');
    try {
      return readOpen(fd, into);
    } finally {
      closeSync(fd);
    }
  }

  /**
   * What is at `file`, from one open: a regular file's stat and content (read
   * into `buffer` when it fits, as `readBytesNow` does), anything else's stat
   * only. The open follows no symlink and does not wait on a FIFO, and the
   * stat comes from the open file, so no second path lookup. Undefined when
   * nothing is there.
   */
  readRegularFileNow(file: string, buffer: Uint8Array): { stat: FileStat; content?: Uint8Array } | undefined {
    let fd: number;
    try {
      fd = openSync(file, openRegularFlags);
    } catch (error) {
      if (isMissing(error)) return undefined;
      // A symlink (O_NOFOLLOW refuses it): its own stat, not followed.
      if ((error as { code?: string }).code === 'ELOOP') return this.#statOnly(file);
      throw error;
    }
    try {
      const stat = toFileStat(fstatSync(fd, { bigint: true }));
      if (stat.kind !== 'file') return { stat };
      return { stat, content: readOpen(fd, { buffer, expectedSize: stat.size }) };
    } finally {
      closeSync(fd);
    }
  }

  #statOnly(file: string): { stat: FileStat } | undefined {
    const stat = this.statNow(file);
    return stat ? { stat } : undefined;
  }

  async realPath(file: string): Promise<string | undefined> {
    try {
      return await fs.realpath(file);
    } catch (error) {
      if (isMissing(error) || (error as { code?: string }).code === 'ELOOP') return undefined;
      throw error;
    }
  }

  writeText(file: string, text: string): Promise<void> {
    return fs.writeFile(file, text, 'utf8');
  }

  async writeTextAtomic(file: string, text: string | Iterable<string>): Promise<void> {
    await fs.mkdir(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
    if (typeof text === 'string') await fs.writeFile(temporary, text, 'utf8');
    else {
      const handle = await fs.open(temporary, 'w');
      try {
        for (const piece of text) await handle.write(piece, null, 'utf8');
      } finally {
        await handle.close();
      }
    }
    await fs.rename(temporary, file);
  }

  async mkdirp(dir: string): Promise<void> {
    await fs.mkdir(dir, { recursive: true });
  }

  async readDir(dir: string): Promise<DirEntry[]> {
    try {
      return (await fs.readdir(dir, { withFileTypes: true })).map(toDirEntry);
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
  }

  readDirNow(dir: string): DirEntry[] {
    try {
      return readdirSync(dir, { withFileTypes: true }).map(toDirEntry);
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
  }

  async glob(patterns: readonly string[], cwd: string): Promise<string[]> {
    const found = new Set<string>();
    for await (const entry of fs.glob(patterns as string[], { cwd })) found.add(entry);
    return [...found].sort();
  }

  async remove(target: string): Promise<void> {
    await fs.rm(target, { recursive: true, force: true });
  }
}

/** Read-only, no symlink followed, no wait for a FIFO's writer (0 where the platform lacks a flag). */
const openRegularFlags = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/** An open file's content, into `buffer` when it fits (see `readBytesNow`). */
function readOpen(fd: number, { buffer, expectedSize }: { readonly buffer: Uint8Array; readonly expectedSize: number }): Uint8Array {
  if (expectedSize >= buffer.length) return readFileSync(fd);
  // One byte more than expected: a read that returns less than asked is the end of a regular file.
  let length = readSync(fd, buffer, 0, expectedSize + 1, null);
  if (length <= expectedSize) return buffer.subarray(0, length);
  // It grew since it was stat'ed: on to its end.
  for (;;) {
    if (length === buffer.length) return Buffer.concat([buffer.subarray(0, length), readFileSync(fd)]);
    const got = readSync(fd, buffer, length, buffer.length - length, null);
    if (got === 0) return buffer.subarray(0, length);
    length += got;
  }
}

function toDirEntry(e: Dirent): DirEntry {
  return {
    name: e.name,
    kind: e.isFile() ? 'file' : e.isDirectory() ? 'directory' : e.isSymbolicLink() ? 'symlink' : 'other',
  };
}

function toFileStat(s: BigIntStats): FileStat {
  return {
    kind: s.isFile() ? 'file' : s.isDirectory() ? 'directory' : s.isSymbolicLink() ? 'symlink' : 'other',
    size: Number(s.size),
    mtimeNs: s.mtimeNs.toString(),
    ctimeMs: Number(s.ctimeNs / 1_000_000n),
    ino: s.ino.toString(),
    mode: Number(s.mode),
  };
}

function isMissing(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
