import { hash } from 'node:crypto';
import type { FileStat, FileSystem } from './file-system.ts';
import { isPermissionDenied } from './file-system.ts';

/** What a hasher found at one path. */
export type HashedFile =
  /**
   * A regular file: its stat, the sha256 (hex) of its content, and when the
   * read began (ms since the epoch). The digest may be replaced by an equal
   * string (the hash index gives its own copy).
   */
  | { readonly kind: 'hashed'; readonly stat: FileStat; digest: string; readonly readAtMs: number }
  /** A directory, symlink (not followed), FIFO or device: nothing was read. */
  | { readonly kind: 'not-a-file'; readonly stat: FileStat }
  | { readonly kind: 'missing' }
  /** This user may not read it (EACCES, EPERM). */
  | { readonly kind: 'denied' }
  /** Any other error of the system, to be thrown by the caller as if its own read had failed. */
  | { readonly kind: 'failed'; readonly code: string | undefined; readonly message: string };

/**
 * Reads and hashes files by path. `FileHashPool` does it on worker threads
 * (a cold walk of a large tree is mostly system calls, which one thread
 * does one at a time); `SerialFileHasher` on the calling thread.
 */
export interface FileHasher {
  /** One answer per path, in the order asked. Symlinks are not followed. */
  hashFiles(paths: readonly string[]): Promise<HashedFile[]>;
  /** Ends whatever the hasher keeps running; a later `hashFiles` starts again. */
  close(): Promise<void>;
}

/** sha256 (hex) of file content: the digest every hasher and the hash index give. */
export function contentDigest(content: Uint8Array): string {
  // The one-shot hash: no Hash object per file (a third of the hashing cost on 100k small files).
  return hash('sha256', content, 'hex');
}

/** The error a `failed` answer stands for. */
export function hashFailure(error: unknown): HashedFile {
  if (isPermissionDenied(error)) return { kind: 'denied' };
  const { code, message } = error as { code?: string; message?: string };
  if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
  return { kind: 'failed', code, message: message ?? String(error) };
}

/** The error to throw for a `failed` answer. */
export function failureError(failed: { readonly code: string | undefined; readonly message: string }): Error {
  return Object.assign(new Error(failed.message), failed.code === undefined ? {} : { code: failed.code });
}

/**
 * Hashes on the calling thread through a `FileSystem`: files up to
 * `maxBlockingRead` bytes are read before returning into one reused buffer,
 * larger ones without blocking.
 */
export class SerialFileHasher implements FileHasher {
  readonly #fs: FileSystem;
  readonly #scratch = new Uint8Array(maxBlockingRead + 1);

  constructor(fs: FileSystem) {
    this.#fs = fs;
  }

  async hashFiles(paths: readonly string[]): Promise<HashedFile[]> {
    const answers: HashedFile[] = [];
    for (const file of paths) answers.push(await this.#hashOne(file));
    return answers;
  }

  async #hashOne(file: string): Promise<HashedFile> {
    try {
      const stat = this.#fs.statNow(file);
      if (!stat) return { kind: 'missing' };
      if (stat.kind !== 'file') return { kind: 'not-a-file', stat };
      const readAtMs = Date.now();
      const content =
        stat.size > maxBlockingRead
          ? await this.#fs.readBytes(file)
          : this.#fs.readBytesNow(file, { buffer: this.#scratch, expectedSize: stat.size });
      return { kind: 'hashed', stat, digest: contentDigest(content), readAtMs };
    } catch (error) {
      return hashFailure(error);
    }
  }

  async close(): Promise<void> {}
}

/** Files up to this size are read on the calling thread before returning (a larger one would block it too long). */
export const maxBlockingRead = 256 * 1024;
