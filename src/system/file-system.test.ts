import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type TempProject, tempProject } from '../../test/support/temp-project.ts';
import { type FileSystem, isPermissionDenied } from './file-system.ts';
import { MemoryFileSystem } from './memory-file-system.ts';
import { NodeFileSystem } from './node-file-system.ts';

let project: TempProject;
afterEach(() => project?.remove());

function onDisk(): { fs: FileSystem; root: string } {
  project = tempProject();
  return { fs: new NodeFileSystem(), root: project.dir };
}

function inMemory(): { fs: FileSystem; root: string } {
  return { fs: new MemoryFileSystem(), root: '/project' };
}

/**
 * What every `FileSystem` does alike: the real one on a temporary directory
 * and the in-memory fake the unit tests use instead of it.
 */
describe.each([
  ['NodeFileSystem', onDisk],
  ['MemoryFileSystem', inMemory],
])('%s', (_name, open) => {
  it('writes and reads text and bytes; a file written again is replaced', async () => {
    const { fs, root } = open();
    const file = path.join(root, 'a.txt');
    await fs.writeText(file, 'one');
    await fs.writeText(file, 'héllo');
    expect(await fs.readText(file)).toBe('héllo');
    expect(new TextDecoder().decode(await fs.readBytes(file))).toBe('héllo');
    expect(fs.readBytesNow(file)).toEqual(await fs.readBytes(file));
  });

  it('writes a file atomically from pieces, making its directory', async () => {
    const { fs, root } = open();
    const file = path.join(root, 'deep/er/index.json');
    await fs.writeTextAtomic(file, ['{"a":', '1}']);
    expect(await fs.readText(file)).toBe('{"a":1}');
  });

  it('stats files and directories, and answers undefined for nothing', async () => {
    const { fs, root } = open();
    await fs.writeTextAtomic(path.join(root, 'dir/f.txt'), 'four');
    expect(await fs.stat(path.join(root, 'dir/f.txt'))).toMatchObject({ kind: 'file', size: 4 });
    expect(await fs.stat(path.join(root, 'dir'))).toMatchObject({ kind: 'directory' });
    expect(await fs.stat(path.join(root, 'missing'))).toBeUndefined();
    expect(fs.statNow(path.join(root, 'missing'))).toBeUndefined();
    expect(fs.statNow(path.join(root, 'dir/f.txt'))).toEqual(await fs.stat(path.join(root, 'dir/f.txt')));
  });

  it('throws ENOENT when reading a file that is not there', async () => {
    const { fs, root } = open();
    await expect(fs.readText(path.join(root, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('lists a directory by name, sorted; nothing for a directory that is not there', async () => {
    const { fs, root } = open();
    await fs.writeTextAtomic(path.join(root, 'b.txt'), '');
    await fs.writeTextAtomic(path.join(root, 'a/x.txt'), '');
    const entries = await fs.readDir(root);
    expect(entries.sort((x, y) => x.name.localeCompare(y.name))).toEqual([
      { name: 'a', kind: 'directory' },
      { name: 'b.txt', kind: 'file' },
    ]);
    expect(await fs.readDir(path.join(root, 'missing'))).toEqual([]);
  });

  it('removes a directory with everything under it, and nothing else', async () => {
    const { fs, root } = open();
    await fs.writeTextAtomic(path.join(root, 'gone/a/b.txt'), '');
    await fs.writeTextAtomic(path.join(root, 'gone-not.txt'), '');
    await fs.remove(path.join(root, 'gone'));
    expect(await fs.stat(path.join(root, 'gone/a/b.txt'))).toBeUndefined();
    expect(await fs.stat(path.join(root, 'gone'))).toBeUndefined();
    expect(await fs.stat(path.join(root, 'gone-not.txt'))).toMatchObject({ kind: 'file' });
    await fs.remove(path.join(root, 'never-was'));
  });

  it('answers the real path of what exists, undefined otherwise', async () => {
    const { fs, root } = open();
    await fs.writeTextAtomic(path.join(root, 'f.txt'), '');
    expect(await fs.realPath(path.join(root, 'f.txt'))).toMatch(/f\.txt$/);
    expect(await fs.realPath(path.join(root, 'missing'))).toBeUndefined();
  });
});

describe('isPermissionDenied', () => {
  it('is true for EACCES and EPERM only', () => {
    expect(isPermissionDenied(Object.assign(new Error('x'), { code: 'EACCES' }))).toBe(true);
    expect(isPermissionDenied({ code: 'EPERM' })).toBe(true);
    expect(isPermissionDenied({ code: 'ENOENT' })).toBe(false);
    expect(isPermissionDenied(undefined)).toBe(false);
  });
});
