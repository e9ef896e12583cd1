import * as path from 'node:path';
import type { FileChange } from '../core/file-change.ts';
import { type BuildContext, toContextPath } from './build-context.ts';
import { compileSource, isRemoteSource, sourceTouches } from './copy-sources.ts';
import { type DockerfileModel, type DockerInstruction, neededStages, targetStage } from './dockerfile-model.ts';

/** One live-update rule: a context path (`''` is the whole context) and the absolute container path it is copied to. */
export interface SyncRule {
  readonly from: string;
  readonly to: string;
}

/** A file of the context a live update copies into the container, or deletes there (the sync planner makes it a `SyncFile`). */
export interface CoveredFile {
  /** Context-relative (posix). */
  readonly path: string;
  /** Absolute in the container. */
  readonly containerPath: string;
  readonly kind: 'write' | 'delete';
}

/**
 * Whether a batch may be copied into running containers instead of
 * rebuilding: `sync` with the files to copy or delete (none when nothing the
 * image holds changed), or `rebuild` with the reason in words
 * (`requirements.txt is not synced`).
 */
export type SyncCoverage =
  | { readonly kind: 'sync'; readonly files: readonly CoveredFile[] }
  | { readonly kind: 'rebuild'; readonly why: string };

/** What `syncCoverage` looks at. */
export interface SyncCoverageInput {
  readonly model: DockerfileModel;
  readonly target: string | undefined;
  readonly context: BuildContext;
  readonly rules: readonly SyncRule[];
  /** The changes since the containers last matched a known state; absolute or context-relative. */
  readonly changes: readonly FileChange[];
}

const archive = /\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst)$/i;

/**
 * The coverage rules of live update, decided from the Dockerfile model alone.
 * A batch syncs only when the image would differ from the running one in
 * nothing but files a rule copies, so that image + syncs equals a rebuild:
 *
 * - a change to the Dockerfile or its ignore file rebuilds;
 * - a file read by a stage other than the target (a builder stage) rebuilds;
 * - a file copied into the target stage before a `RUN` rebuilds (the RUN may
 *   read it: dependency manifests, sources that get compiled), and so does a
 *   file a `RUN --mount=type=bind` reads or an archive `ADD` unpacks;
 * - a file no rule covers rebuilds (`… is not synced`);
 * - files outside the context, excluded by its ignore file, or read by no
 *   COPY are not in the image and need nothing.
 */
export function syncCoverage(input: SyncCoverageInput): SyncCoverage {
  const { model, context } = input;
  const target = targetStage(model, input.target);
  if (!target) return { kind: 'rebuild', why: `the Dockerfile has no stage "${input.target}"` };
  const needed = neededStages(model, target);
  const instructions = model.stages.filter((s) => needed.has(s.index)).flatMap((s) => s.instructions);
  const runsAfter = (i: DockerInstruction) => target.instructions.find((r) => r.keyword === 'RUN' && r.index > i.index);
  const files: CoveredFile[] = [];
  for (const change of latestPerPath(input.changes)) {
    const absolute = path.resolve(context.dir, change.path);
    if (context.controlFiles.includes(absolute)) {
      return { kind: 'rebuild', why: `${toContextPath(context.dir, absolute) ?? path.basename(absolute)} changed` };
    }
    const relative = toContextPath(context.dir, change.path);
    if (relative === undefined || relative === '' || !context.inContext(relative)) continue;
    const readers = instructions.filter((i) => reads(i, relative));
    if (readers.length === 0) continue;
    for (const reader of readers) {
      const why = unsyncable(reader, relative, { target: target.index, runsAfter, model });
      if (why) return { kind: 'rebuild', why };
    }
    const places = placesOf(input.rules, relative);
    if (places.length === 0) return { kind: 'rebuild', why: `${relative} is not synced` };
    // A rule's whole source gone: the build decides what that means (COPY fails), not an `rm -rf` of the destination.
    if (change.kind === 'unlink' && input.rules.some((r) => r.from === relative))
      return { kind: 'rebuild', why: `${relative} was deleted` };
    const misplaced = wrongPlace(model, input.target, relative, places);
    if (misplaced) return { kind: 'rebuild', why: misplaced };
    for (const containerPath of places) files.push({ path: relative, containerPath, kind: change.kind === 'unlink' ? 'delete' : 'write' });
  }
  return { kind: 'sync', files };
}

/** Where the rules covering a context path put it in the container. */
function placesOf(rules: readonly SyncRule[], relative: string): string[] {
  return rules
    .filter((r) => r.from === '' || relative === r.from || relative.startsWith(`${r.from}/`))
    .map((r) => path.posix.join(r.to, r.from === '' ? relative : relative.slice(r.from.length).replace(/^\//, '')));
}

/**
 * Why the rules put a file somewhere else than the target stage's COPY does
 * (the running app would never see the synced copy, or keep a stale one),
 * or undefined when they agree or a wildcard source makes the COPY's place unknown.
 */
function wrongPlace(model: DockerfileModel, target: string | undefined, relative: string, places: readonly string[]): string | undefined {
  const stage = targetStage(model, target);
  const wildcard = stage?.instructions.some((i) =>
    i.copy?.sources.some((s) => !isRemoteSource(s) && compileSource(s).wildcard && sourceTouches(compileSource(s), relative)),
  );
  if (wildcard) return undefined;
  // A source that selects this file is the file itself, or a directory above it.
  const copied = placesOf(
    inferSyncRules(model, target, (p) => p !== relative),
    relative,
  );
  if (copied.length === 0) return undefined;
  const stray = places.find((p) => !copied.includes(p));
  if (stray) return `${relative} is copied to ${copied.join(', ')} by the Dockerfile, but the sync rule puts it at ${stray}`;
  const missed = copied.find((p) => !places.includes(p));
  return missed ? `${relative} is also copied to ${missed}, which no sync rule covers` : undefined;
}

/** The last change of each path, in the order paths last changed. */
function latestPerPath(changes: readonly FileChange[]): FileChange[] {
  const byPath = new Map<string, FileChange>();
  for (const change of changes) {
    byPath.delete(change.path);
    byPath.set(change.path, change);
  }
  return [...byPath.values()];
}

/** True when the instruction reads this context path: a COPY/ADD from the context, or a RUN's bind mount of it. */
function reads(instruction: DockerInstruction, relative: string): boolean {
  const copy = instruction.copy;
  if (copy) {
    if (copy.from.kind !== 'context' || copy.inline) return false;
    return copy.sources.some((s) => !isRemoteSource(s) && sourceTouches(compileSource(s), relative));
  }
  if (instruction.keyword !== 'RUN') return false;
  return bindMountSources(instruction).some((s) => sourceTouches(compileSource(s), relative));
}

/** Context paths a `RUN --mount=type=bind[,source=…]` without `from` reads. */
function bindMountSources(instruction: DockerInstruction): string[] {
  const mount = instruction.flags.get('mount');
  if (!mount) return [];
  const options = new Map(
    mount.split(',').map((o) => {
      const eq = o.indexOf('=');
      return eq === -1 ? [o, ''] : [o.slice(0, eq), o.slice(eq + 1)];
    }),
  );
  const type = options.get('type') ?? 'bind';
  if (type !== 'bind' || options.has('from')) return [];
  return [options.get('source') ?? options.get('src') ?? '.'];
}

/** Why a file this instruction reads cannot be synced, or undefined when copying it is all the instruction does. */
function unsyncable(
  reader: DockerInstruction,
  relative: string,
  ctx: { target: number; runsAfter: (i: DockerInstruction) => DockerInstruction | undefined; model: DockerfileModel },
): string | undefined {
  const at = `(${ctx.model.file}:${reader.line} ${reader.text})`;
  if (reader.keyword === 'RUN') return `${relative} is read by a RUN step ${at}`;
  if (reader.stage !== ctx.target) {
    const stage = ctx.model.stages[reader.stage ?? 0];
    return `${relative} is read by stage ${stage?.name ?? stage?.index} ${at}, which the image is built from`;
  }
  if (reader.keyword === 'ADD' && archive.test(relative)) return `${relative} is an archive ADD unpacks ${at}`;
  const run = ctx.runsAfter(reader);
  if (run) return `${relative} is copied before a RUN step that may read it (${ctx.model.file}:${run.line} ${run.text})`;
  return undefined;
}

/**
 * `sync: 'infer'`: one rule per COPY/ADD source of the target stage, the way
 * Docker places it (a directory's content into the destination, a file at
 * the destination or under it when that ends in `/` or has several sources),
 * destinations resolved against WORKDIR. Wildcard and remote sources give no
 * rule (their files rebuild). `isDirectory` tells a directory source from a
 * file (from the image's input file list).
 */
export function inferSyncRules(model: DockerfileModel, target: string | undefined, isDirectory: (relative: string) => boolean): SyncRule[] {
  const stage = targetStage(model, target);
  if (!stage) return [];
  const rules: SyncRule[] = [];
  let workdir = '/';
  for (const instruction of stage.instructions) {
    if (instruction.keyword === 'WORKDIR') workdir = path.posix.resolve(workdir, instruction.args[0] ?? '/');
    const copy = instruction.copy;
    if (copy?.from.kind !== 'context' || copy.inline) continue;
    const destination = path.posix.resolve(workdir, copy.destination);
    // Docker copies a file into a destination ending in `/` (or `.`, or the WORKDIR itself, an existing directory).
    const intoDirectory = /(^|\/)\.{0,2}$/.test(copy.destination) || destination === workdir || copy.sources.length > 1;
    for (const source of copy.sources) {
      if (isRemoteSource(source)) continue;
      const pattern = compileSource(source);
      if (pattern.wildcard) continue;
      const directory = pattern.path === '' || isDirectory(pattern.path);
      const to = directory || !intoDirectory ? destination : path.posix.join(destination, path.posix.basename(pattern.path));
      rules.push({ from: pattern.path, to });
    }
  }
  return rules;
}

/** A `when` glob relative to the context (`**` any depth, `*` and `?` within a segment) as a test. */
export function matchesGlob(glob: string, relative: string): boolean {
  let source = '';
  const cleaned = glob.replace(/^\.\//, '');
  for (let i = 0; i < cleaned.length; i++) {
    const ch = cleaned[i] as string;
    if (ch === '*' && cleaned[i + 1] === '*') {
      const slash = cleaned[i + 2] === '/';
      source += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (ch === '*') source += '[^/]*';
    else if (ch === '?') source += '[^/]';
    else source += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}(?:/.*)?$`).test(relative);
}
