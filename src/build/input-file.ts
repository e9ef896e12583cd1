/** One context entry a build reads: what Docker's COPY cache compares (path, type, mode, content). */
export interface InputFile {
  /** Context-relative posix path. */
  readonly path: string;
  readonly kind: 'file' | 'directory' | 'symlink';
  /** Permission bits. */
  readonly mode: number;
  /** sha256 of the content for files; size for symlinks; empty for directories. */
  readonly hash: string;
}
