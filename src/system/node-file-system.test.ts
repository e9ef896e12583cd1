import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
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
});
