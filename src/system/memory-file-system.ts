import * as path from 'node:path';
import type { DirEntry, FileStat, FileSystem } from './file-system.ts';

/**
 * An in-memory `FileSystem` for unit tests: files with
 * controllable mtime and inode, and counters of what was read.
 */
export class MemoryFileSystem implements FileSystem {
  readonly files = new Map<string, { content: Uint8Array; mtimeNs: string; ino: string; mode: number }>();
  readonly reads: string[] = [];
  #nextIno = 1;

  /** Creates or replaces a file; `mtimeNs` defaults to one hour ago so entries are not racy. */
  put(file: string, content: string, options: { mtimeNs?: string; mode?: number } = {}): this {
    const previous = this.files.get(file);
    this.files.set(file, {
      content: new TextEncoder().encode(content),
      mtimeNs: options.mtimeNs ?? (BigInt(Date.now() - 3_600_000) * 1_000_000n).toString(),
      ino: previous?.ino ?? String(this.#nextIno++),
      mode: options.mode ?? 0o100644,
    });
    return this;
  }

  async readText(file: string): Promise<string> {
    return new TextDecoder().decode(await this.readBytes(file));
  }

  async readBytes(file: string): Promise<Uint8Array> {
    return this.#read(file);
  }

  readBytesNow(file: string): Uint8Array {
    return this.#read(file);
  }

  #read(file: string): Uint8Array {
    const entry = this.files.get(file);
    if (!entry) throw Object.assign(new Error(`ENOENT: ${file}`), { code: 'ENOENT' });
    this.reads.push(file);
    return entry.content;
  }

  async stat(file: string): Promise<FileStat | undefined> {
    return this.statNow(file);
  }

  statNow(file: string): FileStat | undefined {
    const entry = this.files.get(file);
    if (entry)
      return {
        kind: 'file',
        size: entry.content.length,
        mtimeNs: entry.mtimeNs,
        ctimeMs: Number(BigInt(entry.mtimeNs) / 1_000_000n),
        ino: entry.ino,
        mode: entry.mode,
      };
    const prefix = `${file}/`;
    for (const key of this.files.keys())
      if (key.startsWith(prefix)) return { kind: 'directory', size: 0, mtimeNs: '0', ctimeMs: 0, ino: '0', mode: 0o40755 };
    return undefined;
  }

  /** No symlinks here: an existing path is its own real path. */
  async realPath(file: string): Promise<string | undefined> {
    return (await this.stat(file)) ? file : undefined;
  }

  async writeText(file: string, text: string): Promise<void> {
    this.put(file, text, { mtimeNs: (BigInt(Date.now()) * 1_000_000n).toString() });
  }

  writeTextAtomic(file: string, text: string | Iterable<string>): Promise<void> {
    return this.writeText(file, typeof text === 'string' ? text : [...text].join(''));
  }

  async mkdirp(): Promise<void> {}

  async readDir(dir: string): Promise<DirEntry[]> {
    return this.readDirNow(dir);
  }

  readDirNow(dir: string): DirEntry[] {
    const prefix = dir.endsWith('/') ? dir : `${dir}/`;
    const seen = new Map<string, DirEntry['kind']>();
    for (const key of this.files.keys()) {
      if (!key.startsWith(prefix)) continue;
      const [name, ...rest] = key.slice(prefix.length).split('/');
      if (name) seen.set(name, rest.length > 0 ? 'directory' : 'file');
    }
    return [...seen].map(([name, kind]) => ({ name, kind })).sort((a, b) => a.name.localeCompare(b.name));
  }

  async glob(): Promise<string[]> {
    return [];
  }

  async remove(target: string): Promise<void> {
    for (const key of [...this.files.keys()]) if (key === target || key.startsWith(`${target}/`)) this.files.delete(key);
  }

  /** Joins like the real paths do, for readability in tests. */
  static join(...parts: string[]): string {
    return path.posix.join(...parts);
  }
}
