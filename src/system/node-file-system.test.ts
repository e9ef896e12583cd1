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
  });
});
