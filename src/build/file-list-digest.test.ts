import { describe, expect, it } from 'vitest';
import { fileListDigest } from './file-list-digest.ts';
import type { InputFile } from './input-file.ts';

const file = (p: string, hash = 'h'): InputFile => ({ path: p, kind: 'file', mode: 0o644, hash });
/** The same list as fresh objects: nothing remembered applies, so this is the digest computed from scratch. */
const fresh = (files: readonly InputFile[]) => fileListDigest(files.map((f) => ({ ...f }))).toString('hex');
const sorted = (files: InputFile[]) => files.sort((a, b) => (a.path < b.path ? -1 : 1));

function tree(): InputFile[] {
  const files: InputFile[] = [file('README.md')];
  for (const dir of ['a', 'b', 'big'])
    for (let i = 0; i < (dir === 'big' ? 2500 : 40); i++) files.push(file(`${dir}/f${String(i).padStart(4, '0')}`));
  return sorted(files);
}

describe('fileListDigest', () => {
  it('gives the from-scratch answer when runs are reused, after a change, an insertion or a removal anywhere in a run', () => {
    const base = tree();
    expect(fileListDigest(base).toString('hex')).toBe(fresh(base));
    const variants: InputFile[][] = [];
    const changed = base.slice();
    changed[10] = file((base[10] as InputFile).path, 'other');
    variants.push(changed);
    // A file added at the end of a directory's run extends that run.
    variants.push(sorted([...base, file('a/f9999')]));
    variants.push(sorted([...base, file('big/f0000a')]));
    variants.push(base.filter((f) => f.path !== 'big/f1500'));
    variants.push(base.filter((f) => f.path !== 'a/f0039'));
    for (const list of variants) {
      fileListDigest(base);
      expect(fileListDigest(list).toString('hex')).toBe(fresh(list));
      expect(fresh(list)).not.toBe(fresh(base));
    }
    expect(fileListDigest(base).toString('hex')).toBe(fresh(base));
  });

  it('covers kind, mode and path of every entry', () => {
    const base = tree();
    const at = 5;
    const entry = base[at] as InputFile;
    for (const other of [
      { ...entry, mode: 0o755 },
      { ...entry, kind: 'symlink' as const },
      { ...entry, path: `${entry.path}x` },
    ]) {
      const list = base.slice();
      list[at] = other;
      expect(fresh(list)).not.toBe(fresh(base));
    }
  });
});
