import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { type BuildContext, toContextPath } from '../graph/build-context.ts';
import { compileSource, isRemoteSource, type SourcePattern, sourceSelects } from '../graph/copy-sources.ts';
import { type DockerfileModel, neededStages, targetStage } from '../graph/dockerfile-model.ts';
import { failureError, type HashedFile } from '../system/file-hasher.ts';
import { type DirEntry, type FileStat, type FileSystem, isPermissionDenied } from '../system/file-system.ts';
import { fileListDigest } from './file-list-digest.ts';
import type { HashIndex } from './hash-index.ts';
import type { InputFile } from './input-file.ts';

export type { InputFile } from './input-file.ts';

/** What `collectInputFiles` needs. */
export interface CollectOptions {
  readonly fs: FileSystem;
  readonly index: HashIndex;
  readonly context: BuildContext;
  readonly model: DockerfileModel;
  readonly target: string | undefined;
  /**
   * Told of each entry the build would read but this user may not
   * (permission denied), which is skipped: Docker fails on it, so callers
   * report it instead of a digest.
   */
  readonly onUnreadable?: (relative: string) => void;
}

/**
 * The context entries the image's COPY/ADD instructions select, in the
 * stages its target needs, after .dockerignore. Walks only below the
 * sources' fixed prefixes, and reads only files the hash index cannot vouch for.
 */
export async function collectInputFiles(options: CollectOptions): Promise<InputFile[]> {
  const walker = inputWalker(options);
  if (!walker) return [];
  for (const root of walker.roots) await walker.visit(root);
  await walker.finish();
  return sortInputs(walker.found);
}

/**
 * The same answer as `collectInputFiles`, from the previous answer and the
 * paths that changed since (absolute, as the watcher reported them): only
 * those are looked at again, so a plan on a 100k-file context does not walk
 * it. Valid only while the Dockerfile and .dockerignore are unchanged.
 */
export async function updateInputFiles(
  options: CollectOptions & { previous: readonly InputFile[]; changed: readonly string[] },
): Promise<InputFile[]> {
  const walker = inputWalker(options);
  if (!walker) return [];
  const touched: string[] = [];
  const directoryEntries: string[] = [];
  for (const changed of options.changed) {
    const relative = toContextPath(options.context.dir, changed);
    if (relative === undefined || relative === '') continue;
    if (
      !walker.roots.some((root) => root === '' || relative === root || relative.startsWith(`${root}/`) || root.startsWith(`${relative}/`))
    )
      continue;
    touched.push(relative);
    await walker.visit(relative);
    // A file in a new directory makes the directory an input too (COPY copies its mode).
    for (let dir = path.posix.dirname(relative); dir !== '.' && dir !== ''; dir = path.posix.dirname(dir)) {
      directoryEntries.push(dir);
      await walker.visitDirectoryEntry(dir);
    }
  }
  await walker.finish();
  if (touched.length === 0) return [...options.previous];
  if (touched.length <= spliceLimit) return spliceSorted(options.previous, touched, directoryEntries, sortInputs(walker.found));
  // Keep the previous (sorted) list minus what was looked at again, and merge in the new answers.
  const exact = new Set([...touched, ...directoryEntries]);
  const below = touched.map((t) => `${t}/`);
  const kept = options.previous.filter((f) => !exact.has(f.path) && !below.some((prefix) => f.path.startsWith(prefix)));
  return mergeSorted(kept, sortInputs(walker.found));
}

/** Up to this many changed paths, the previous list is patched in place of being filtered and merged whole. */
const spliceLimit = 32;

/**
 * The previous sorted list with the entries at `touched` (and below them) and
 * at `directories` replaced by `found`: binary searches and a few splices, so
 * an edit on a 100k-entry context does not visit every entry.
 */
function spliceSorted(
  previous: readonly InputFile[],
  touched: readonly string[],
  directories: readonly string[],
  found: readonly InputFile[],
): InputFile[] {
  const out = previous.slice();
  for (const exact of new Set([...touched, ...directories])) {
    const at = lowerBound(out, exact);
    if (out[at]?.path === exact) out.splice(at, 1);
  }
  for (const dir of touched) {
    const prefix = `${dir}/`;
    const start = lowerBound(out, prefix);
    let end = start;
    while (out[end]?.path.startsWith(prefix)) end++;
    out.splice(start, end - start);
  }
  for (const entry of found) {
    const at = lowerBound(out, entry.path);
    if (out[at]?.path === entry.path) out[at] = entry;
    else out.splice(at, 0, entry);
  }
  return out;
}

/** The first index whose path is not below `path` in code-unit order (the order `sortInputs` gives). */
function lowerBound(list: readonly InputFile[], path: string): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((list[middle]?.path ?? '') < path) low = middle + 1;
    else high = middle;
  }
  return low;
}

function mergeSorted(a: readonly InputFile[], b: readonly InputFile[]): InputFile[] {
  const out: InputFile[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (y === undefined || (x !== undefined && x.path < y.path)) {
      if (x) out.push(x);
      i++;
    } else {
      if (x?.path === y.path) i++;
      out.push(y);
      j++;
    }
  }
  return out;
}

function sortInputs(found: Map<string, InputFile>): InputFile[] {
  return [...found.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * The walk lists directories and stats files synchronously (one thread-pool
 * round trip per file cost 3-4x the work on a 100k-file context), yielding to
 * the event loop after `batch` entries. Files whose content must be read go
 * to the hash index in groups of `readBatch` (read on other threads when the
 * index has a hasher for it), at most `readsInFlight` groups at once.
 */
const walkLimits = { batch: 64, readBatch: 256, readsInFlight: 4 } as const;

/** A file the walk will have read: where it is, and whether the .dockerignore patterns include it. */
interface ToRead {
  readonly relative: string;
  readonly absolute: string;
  readonly included: boolean;
}

/** The COPY/ADD sources of the needed stages, the walk's roots, and a visitor filling `found`. */
function inputWalker({ fs, index, context, model, target, onUnreadable }: CollectOptions) {
  const sources = contextSources(model, target);
  if (!sources) return undefined;
  const patterns: SourcePattern[] = sources.map(compileSource);
  const rootSet = new Set<string>();
  for (const p of patterns) {
    const fixed: string[] = [];
    for (const segment of p.segments) {
      if (/[*?[]/.test(segment)) break;
      fixed.push(segment);
    }
    rootSet.add(fixed.join('/'));
  }
  const roots = [...rootSet].filter((r) => ![...rootSet].some((o) => o !== r && (o === '' || r.startsWith(`${o}/`))));
  const found = new Map<string, InputFile>();
  const selected = (relative: string) => patterns.some((p) => sourceSelects(p, relative));
  let sinceYield = 0;
  const yieldNow = (): Promise<void> | undefined => {
    if (++sinceYield < walkLimits.batch) return undefined;
    sinceYield = 0;
    return new Promise<void>((resolve) => setImmediate(resolve));
  };
  const addFile = (relative: string, stat: FileStat, hash: string | undefined): void => {
    if (hash === undefined) onUnreadable?.(relative);
    else found.set(relative, { path: relative, kind: 'file', mode: stat.mode & 0o7777, hash });
  };

  let toRead: ToRead[] = [];
  /** Groups being read, oldest first; each is awaited in the end (a failure then fails the walk). */
  const reading: Promise<void>[] = [];
  /** Queues a file to read; when too many groups are being read, the promise of the oldest, to wait for. */
  const read = (file: ToRead): Promise<void> | undefined => {
    toRead.push(file);
    return toRead.length < walkLimits.readBatch ? undefined : sendGroup();
  };
  const sendGroup = (): Promise<void> | undefined => {
    if (toRead.length === 0) return undefined;
    const group = toRead;
    toRead = [];
    const done = index.readMany(group.map((f) => f.absolute)).then((answers) => settle(group, answers));
    // Awaited later (finish); until then a failure must not count as unhandled.
    done.catch(() => undefined);
    reading.push(done);
    return reading.length > walkLimits.readsInFlight ? reading.shift() : undefined;
  };
  const settle = async (group: readonly ToRead[], answers: readonly HashedFile[]): Promise<void> => {
    for (const [i, answer] of answers.entries()) {
      const file = group[i] as ToRead;
      if (answer.kind === 'hashed') addFile(file.relative, answer.stat, answer.digest);
      else if (answer.kind === 'denied') onUnreadable?.(file.relative);
      else if (answer.kind === 'failed') throw failureError(answer);
      else if (answer.kind === 'not-a-file') {
        // Not the regular file it was listed as (replaced meanwhile, or a symlink): visited as any entry.
        const pending = visitNow(file.relative, file.included);
        if (pending) await pending;
      }
    }
  };
  /** Waits for every group still being read, the last one sent first. */
  const finish = async (): Promise<void> => {
    const oldest = sendGroup();
    if (oldest) await oldest;
    while (reading.length > 0) await reading.shift();
  };

  /**
   * Visits one path: what can be done before returning is done (the stat,
   * the index's answer), so only a directory or a file to read costs a
   * promise (an async call per file was a tenth of a 100k-file walk).
   */
  const visitNow = (relative: string, included = relative === '' || context.inContext(relative)): Promise<void> | undefined => {
    const absolute = relative === '' ? context.dir : path.join(context.dir, relative);
    const stat = fs.statNow(absolute);
    if (!stat) return undefined;
    if (stat.kind === 'directory') {
      if (!included && !context.hasExceptions) return undefined;
      if (included && relative !== '' && selected(relative)) {
        found.set(relative, { path: relative, kind: 'directory', mode: stat.mode & 0o7777, hash: '' });
      }
      const entries = permittedNow(() => fs.readDirNow(absolute));
      if (!entries) {
        if (included) onUnreadable?.(relative || '.');
        return undefined;
      }
      return visitEntries(relative, absolute, entries, included);
    }
    if (!included || !selected(relative)) return undefined;
    if (stat.kind === 'file') {
      const hash = index.cached(absolute, stat);
      if (hash === undefined) return read({ relative, absolute, included });
      addFile(relative, stat, hash);
    } else if (stat.kind === 'symlink') {
      found.set(relative, { path: relative, kind: 'symlink', mode: stat.mode & 0o7777, hash: String(stat.size) });
    }
    // FIFOs, sockets and device nodes are never read: reading a FIFO would wait for a writer forever.
    return undefined;
  };
  const visitEntries = async (relative: string, absolute: string, entries: readonly DirEntry[], included: boolean): Promise<void> => {
    // Where the patterns cannot tell this directory's entries apart, they share its answer (a matcher call per file was a tenth of the walk).
    const shared = context.sameAsDirectory(relative === '' ? 1 : relative.split('/').length + 1) ? included : undefined;
    const known = index.knownNames(absolute);
    for (const entry of entries) {
      await yieldNow();
      const entryRelative = relative === '' ? entry.name : `${relative}/${entry.name}`;
      const entryAbsolute = absolute.endsWith(path.sep) ? `${absolute}${entry.name}` : `${absolute}${path.sep}${entry.name}`;
      // A file the index does not know is read without a stat here: the reading stats it through the open file.
      if (entry.kind === 'file' && !known?.has(entry.name)) {
        const entryIncluded = shared ?? context.inContext(entryRelative);
        const pending =
          entryIncluded && selected(entryRelative)
            ? read({ relative: entryRelative, absolute: entryAbsolute, included: entryIncluded })
            : undefined;
        if (pending) await pending;
        continue;
      }
      const pending = visitNow(entryRelative, shared);
      if (pending) await pending;
    }
  };
  const visit = async (relative: string): Promise<void> => {
    await yieldNow();
    await visitNow(relative);
  };
  /** Re-reads one directory's own entry (not its content). */
  const visitDirectoryEntry = async (relative: string): Promise<void> => {
    const stat = await fs.stat(path.join(context.dir, relative));
    if (stat?.kind === 'directory' && context.inContext(relative) && selected(relative)) {
      found.set(relative, { path: relative, kind: 'directory', mode: stat.mode & 0o7777, hash: '' });
    }
  };
  return { roots, found, visit, visitDirectoryEntry, finish };
}

/** The context sources the COPY/ADD instructions of the stages `target` needs read (sorted, unique); undefined without that stage. */
function contextSources(model: DockerfileModel, target: string | undefined): string[] | undefined {
  const stage = targetStage(model, target);
  if (!stage) return undefined;
  // A frontend devloop does not model may read any file of the context.
  if (model.foreignFrontend) return ['.'];
  const needed = neededStages(model, stage);
  const sources = new Set<string>();
  for (const instruction of model.instructions) {
    const copy = instruction.copy;
    if (copy?.from.kind !== 'context' || instruction.stage === undefined || !needed.has(instruction.stage)) continue;
    for (const source of copy.sources) if (!isRemoteSource(source)) sources.add(source);
  }
  return [...sources].sort();
}

/**
 * Equal for two images whose `collectInputFiles` answers are equal: the same
 * context directory, ignore patterns and COPY sources. Images sharing a
 * tree are walked once per plan.
 */
export function inputWalkKey(context: BuildContext, model: DockerfileModel, target: string | undefined): string {
  return JSON.stringify([context.dir, context.patterns, contextSources(model, target) ?? null]);
}

/** The answer of `read` (done before returning), or undefined when the system said permission denied. */
function permittedNow<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    if (isPermissionDenied(error)) return undefined;
    throw error;
  }
}

/** Everything an image's digest covers. */
export interface DigestInput {
  readonly dockerfileText: string;
  readonly buildArgs: Readonly<Record<string, string>>;
  /** sha256 of each BuildKit secret's content, by id: the digest follows a secret without holding it. */
  readonly secretHashes?: Readonly<Record<string, string>>;
  readonly target: string | undefined;
  readonly files: readonly InputFile[];
  /** Digests of the devloop images this one builds FROM, by image name. */
  readonly baseDigests: Readonly<Record<string, string>>;
}

/**
 * sha256 over exactly what the build reads. Equal digests mean Docker would
 * produce the same image, so an existing image with the derived tag need
 * not be built again — in this run or after a restart.
 */
export function computeInputDigest(input: DigestInput): string {
  const hash = createHash('sha256');
  const sorted = (record: Readonly<Record<string, string>>): [string, string][] =>
    Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  hash.update(
    JSON.stringify({
      v: 2,
      dockerfile: input.dockerfileText,
      buildArgs: sorted(input.buildArgs),
      target: input.target ?? null,
      bases: sorted(input.baseDigests),
      // Only when there are secrets, so the digests of images without any stay as they were.
      ...(input.secretHashes && Object.keys(input.secretHashes).length > 0 ? { secrets: sorted(input.secretHashes) } : {}),
    }),
  );
  // The list by the digests of its runs, most of them remembered from the previous plan.
  hash.update(fileListDigest(input.files));
  return `sha256:${hash.digest('hex')}`;
}

/** The tag devloop gives an image: derived from its digest, never `latest`. */
export function tagForDigest(digest: string): string {
  return `devloop-${digest.replace(/^sha256:/, '').slice(0, 12)}`;
}
