import { describe, expect, it } from 'vitest';
import { MemoryFileSystem } from '../system/memory-file-system.ts';
import { type BuildRecord, BuildRecordStore, diffInputs } from './build-record.ts';
import type { InputFile } from './input-digest.ts';

const file = (path: string, hash = 'h', mode = 0o644): InputFile => ({ path, kind: 'file', mode, hash });

describe('diffInputs', () => {
  it('gives the same changes, in the same order, for sorted and unsorted lists', () => {
    const before = [file('a'), file('b'), file('c/x', 'old'), file('c/y'), file('d'), file('e', 'h', 0o755)];
    const after = [file('a'), file('b2'), file('c/x', 'new'), file('c/y'), file('e'), file('f')];
    const expected = [
      { path: 'b2', kind: 'add' },
      { path: 'c/x', kind: 'change' },
      { path: 'e', kind: 'change' },
      { path: 'f', kind: 'add' },
      { path: 'b', kind: 'unlink' },
      { path: 'd', kind: 'unlink' },
    ];
    expect(diffInputs(before, after)).toEqual(expected);
    expect(diffInputs([...before].reverse(), after)).toEqual([
      ...expected.slice(0, 4),
      { path: 'd', kind: 'unlink' },
      { path: 'b', kind: 'unlink' },
    ]);
    expect(diffInputs([], after).map((c) => c.kind)).toEqual(after.map(() => 'add'));
    expect(diffInputs(before, [])).toEqual(before.map((f) => ({ path: f.path, kind: 'unlink' })));
  });
});

describe('BuildRecordStore', () => {
  const record = (digest: string): BuildRecord => ({ digest, dockerfileText: 'FROM x', dockerignoreText: undefined, files: [file('a')] });

  it('writes the JSON of the record, in pieces', async () => {
    const fs = new MemoryFileSystem();
    const files = Array.from({ length: 2500 }, (_, i) => file(`f${String(i).padStart(4, '0')}`, `h${i}`));
    const big: BuildRecord = { digest: 'sha256:3', dockerfileText: 'FROM x\n', dockerignoreText: undefined, files };
    await new BuildRecordStore({ fs, cacheDir: '/cache' }).write('web', big);
    expect(await fs.readText('/cache/builds/web.json')).toBe(JSON.stringify(big));
    const empty: BuildRecord = { ...big, dockerignoreText: 'x', files: [] };
    await new BuildRecordStore({ fs, cacheDir: '/cache' }).write('api', empty);
    expect(await fs.readText('/cache/builds/api.json')).toBe(JSON.stringify(empty));
  });

  it('answers the record it wrote without reading it again, and reads it again once someone else wrote the file', async () => {
    const fs = new MemoryFileSystem();
    const store = new BuildRecordStore({ fs, cacheDir: '/cache' });
    expect(await store.read('web')).toBeUndefined();
    const first = record('sha256:1');
    await store.write('web', first);
    fs.reads.length = 0;
    expect(await store.read('web')).toBe(first);
    expect(fs.reads).toEqual([]);
    // Another devloop process writes the file (through a rename: a new inode).
    await fs.remove('/cache/builds/web.json');
    fs.put('/cache/builds/web.json', JSON.stringify(record('sha256:2')));
    expect((await store.read('web'))?.digest).toBe('sha256:2');
    expect(await new BuildRecordStore({ fs, cacheDir: '/cache' }).read('web')).toEqual(record('sha256:2'));
  });
});
