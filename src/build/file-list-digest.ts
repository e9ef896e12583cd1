import { createHash } from 'node:crypto';
import type { InputFile } from './input-file.ts';

/** Runs longer than this are cut, so one huge directory still has runs to reuse. */
const maxRun = 1024;
/** Shorter runs are hashed again each time: remembering them would cost more than hashing. */
const minRemembered = 16;

/** Digests of runs already hashed, by their first entry; valid while the run holds the very same entry objects. */
const remembered = new WeakMap<InputFile, { readonly entries: readonly InputFile[]; readonly digest: Buffer }>();

/**
 * sha256 over a sorted input list, as the digests of its runs (consecutive
 * entries with the same parent directory, at most `maxRun`): the answer
 * depends only on the list. A replan builds its list from the previous one
 * and keeps every entry object nothing changed (`updateInputFiles`), so a run
 * made of the same objects as last time is not hashed again: after one edit
 * in a 100k-entry context, one directory's run is, not 10 MB of entries.
 */
export function fileListDigest(files: readonly InputFile[]): Buffer {
  const outer = createHash('sha256');
  let start = 0;
  while (start < files.length) {
    const first = files[start] as InputFile;
    const known = remembered.get(first);
    if (known && isSameRun(files, start, known.entries)) {
      outer.update(known.digest);
      start += known.entries.length;
      continue;
    }
    const end = runEnd(files, start);
    let text = '';
    for (let i = start; i < end; i++) {
      const f = files[i] as InputFile;
      text += `\n${f.kind}\u0000${f.mode.toString(8)}\u0000${f.hash}\u0000${f.path}`;
    }
    const digest = createHash('sha256').update(text).digest();
    if (end - start >= minRemembered) remembered.set(first, { entries: files.slice(start, end), digest });
    outer.update(digest);
    start = end;
  }
  return outer.digest();
}

/** Where the run starting at `start` ends: the first entry in another directory, or `maxRun` entries on. */
function runEnd(files: readonly InputFile[], start: number): number {
  const parent = parentOf((files[start] as InputFile).path);
  let end = start + 1;
  while (end < files.length && end - start < maxRun && inDirectory((files[end] as InputFile).path, parent)) end++;
  return end;
}

/** True when `files` from `start` holds exactly `entries` (the same objects) and the run would end where they end. */
function isSameRun(files: readonly InputFile[], start: number, entries: readonly InputFile[]): boolean {
  const end = start + entries.length;
  if (end > files.length) return false;
  for (let i = 0; i < entries.length; i++) if (files[start + i] !== entries[i]) return false;
  const next = files[end];
  return next === undefined || entries.length === maxRun || !inDirectory(next.path, parentOf((entries[0] as InputFile).path));
}

/** `a/b/` for `a/b/c`, '' for a top-level entry. */
function parentOf(file: string): string {
  return file.slice(0, file.lastIndexOf('/') + 1);
}

function inDirectory(file: string, parent: string): boolean {
  return file.lastIndexOf('/') === parent.length - 1 && file.startsWith(parent);
}
