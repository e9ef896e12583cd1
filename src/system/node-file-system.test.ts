import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NodeFileSystem } from './node-file-system.ts';

describe('NodeFileSystem', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('writes text given in pieces as one file, through a temporary file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'devloop-fs-'));
    dirs.push(dir);
    const file = path.join(dir, 'sub', 'index.json');
    function* pieces() {
      yield '{"a":';
      yield '"é"';
      yield '}';
    }
    const fs = new NodeFileSystem();
    await fs.writeTextAtomic(file, pieces());
    expect(readFileSync(file, 'utf8')).toBe('{"a":"é"}');
    await fs.writeTextAtomic(file, 'whole');
    expect(readFileSync(file, 'utf8')).toBe('whole');
    expect(readdirSync(path.dirname(file))).toEqual(['index.json']);
  });

  it('stats and reads now, as the callback API does later', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'devloop-fs-'));
    dirs.push(dir);
    const fs = new NodeFileSystem();
    await fs.writeText(path.join(dir, 'a.txt'), 'hi');
    expect(fs.statNow(path.join(dir, 'a.txt'))).toEqual(await fs.stat(path.join(dir, 'a.txt')));
    expect(fs.statNow(path.join(dir, 'missing'))).toBeUndefined();
    expect(new TextDecoder().decode(fs.readBytesNow(path.join(dir, 'a.txt')))).toBe('hi');
    expect(fs.readDirNow(dir)).toEqual(await fs.readDir(dir));
    expect(fs.readDirNow(path.join(dir, 'missing'))).toEqual([]);
  });

  it('reads into a given buffer whatever the file holds now, whether it shrank, grew or outgrew the buffer since its stat', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'devloop-fs-'));
    dirs.push(dir);
    const fs = new NodeFileSystem();
    const file = path.join(dir, 'a.txt');
    const buffer = new Uint8Array(8);
    const read = (expectedSize: number) => new TextDecoder().decode(fs.readBytesNow(file, { buffer, expectedSize }));
    await fs.writeText(file, 'hello');
    expect(read(5)).toBe('hello');
    expect(read(7)).toBe('hello');
    expect(read(2)).toBe('hello');
    await fs.writeText(file, '12345678');
    expect(read(3)).toBe('12345678');
    await fs.writeText(file, '123456789abc');
    expect(read(3)).toBe('123456789abc');
    expect(read(12)).toBe('123456789abc');
    await fs.writeText(file, '');
    expect(read(0)).toBe('');
  });

  it('sees a symlink as itself, and follows it only for realPath (never into a loop or to nothing)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'devloop-fs-'));
    dirs.push(dir);
    writeFileSync(path.join(dir, 'target.txt'), 'x');
    symlinkSync('target.txt', path.join(dir, 'link'));
    symlinkSync('nowhere', path.join(dir, 'dangling'));
    symlinkSync('loop-b', path.join(dir, 'loop-a'));
    symlinkSync('loop-a', path.join(dir, 'loop-b'));
    const fs = new NodeFileSystem();
    expect(await fs.stat(path.join(dir, 'link'))).toMatchObject({ kind: 'symlink' });
    expect(await fs.realPath(path.join(dir, 'link'))).toBe(await fs.realPath(path.join(dir, 'target.txt')));
    expect(await fs.realPath(path.join(dir, 'dangling'))).toBeUndefined();
    expect(await fs.realPath(path.join(dir, 'loop-a'))).toBeUndefined();
    expect(await fs.stat(path.join(dir, 'target.txt', 'below-a-file'))).toBeUndefined();
  });

  it('globs relative to a directory, each match once, sorted', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'devloop-fs-'));
    dirs.push(dir);
    mkdirSync(path.join(dir, 'k8s/base'), { recursive: true });
    for (const file of ['k8s/b.yaml', 'k8s/a.yaml', 'k8s/base/c.yaml', 'k8s/notes.txt']) writeFileSync(path.join(dir, file), '');
    const fs = new NodeFileSystem();
    expect(await fs.glob(['k8s/*.yaml', 'k8s/a.yaml', 'k8s/**/c.yaml'], dir)).toEqual(['k8s/a.yaml', 'k8s/b.yaml', 'k8s/base/c.yaml']);
    expect(await fs.glob(['none/*.yaml'], dir)).toEqual([]);
  });
});
