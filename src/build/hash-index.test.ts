import { describe, expect, it } from 'vitest';
import { MemoryFileSystem } from '../system/memory-file-system.ts';
import { cacheDirectory, HashIndex, hashIndexFile } from './hash-index.ts';

describe('HashIndex', () => {
  it('reads a file once, then answers from size+mtime+inode, across a restart', async () => {
    const fs = new MemoryFileSystem().put('/p/a.txt', 'hello');
    const first = await HashIndex.open({ fs, file: '/cache/index.json' });
    const h = await first.hash('/p/a.txt');
    expect(h).toBe('2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824');
    expect(await first.hash('/p/a.txt')).toBe(h);
    expect(first.stats).toMatchObject({ reads: 1, hits: 1 });
    await first.save();
    fs.reads.length = 0;
    const second = await HashIndex.open({ fs, file: '/cache/index.json' });
    expect(await second.hash('/p/a.txt')).toBe(h);
    expect(fs.reads).toEqual(['/cache/index.json']);
  });

  it('readMany and cached give the same answers as hash, from the same entries', async () => {
    const fs = new MemoryFileSystem().put('/p/a.txt', 'hello').put('/p/b.txt', 'bye');
    const index = await HashIndex.open({ fs });
    const stat = fs.statNow('/p/a.txt');
    if (!stat) throw new Error('no stat');
    expect(index.knownNames('/p')?.has('a.txt')).toBeFalsy();
    const [a, missing] = await index.readMany(['/p/a.txt', '/p/none.txt']);
    expect(a).toMatchObject({ kind: 'hashed', digest: await index.hash('/p/a.txt'), stat });
    expect(missing).toEqual({ kind: 'missing' });
    expect(index.knownNames('/p')?.has('a.txt')).toBe(true);
    expect(index.cached('/p/a.txt', stat)).toBe(await index.hash('/p/a.txt'));
    expect(fs.reads).toEqual(['/p/a.txt']);
    const [b] = await index.readMany(['/p/b.txt']);
    expect(await index.hash('/p/b.txt')).toBe(b?.kind === 'hashed' ? b.digest : undefined);
    expect(index.stats).toMatchObject({ reads: 2, hits: 4 });
  });

  it('rehashes when the stat changes, or after invalidate', async () => {
    const fs = new MemoryFileSystem().put('/p/a.txt', 'one');
    const index = await HashIndex.open({ fs });
    const one = await index.hash('/p/a.txt');
    fs.put('/p/a.txt', 'two', { mtimeNs: '1000' });
    const two = await index.hash('/p/a.txt');
    expect(two).not.toBe(one);
    // Same size, same mtime, same inode: only a watcher event can tell.
    const entry = fs.files.get('/p/a.txt');
    if (entry) entry.content = new TextEncoder().encode('six');
    expect(await index.hash('/p/a.txt')).toBe(two);
    index.invalidate(['/p']);
    const six = await index.hash('/p/a.txt');
    expect(six).not.toBe(two);
    expect(fs.reads.length).toBe(3);
  });

  it('does not trust entries hashed in the same instant the file was written', async () => {
    const fs = new MemoryFileSystem().put('/p/a.txt', 'x', { mtimeNs: (BigInt(Date.now()) * 1_000_000n).toString() });
    const index = await HashIndex.open({ fs });
    await index.hash('/p/a.txt');
    await index.hash('/p/a.txt');
    expect(fs.reads.length).toBe(2);
  });

  it('forgets a file, or a directory and everything below it, and nothing else', async () => {
    const fs = new MemoryFileSystem().put('/p/a.txt', 'a').put('/p/sub/b.txt', 'b').put('/p/sub/deep/c.txt', 'c').put('/p/subway.txt', 'd');
    const index = await HashIndex.open({ fs });
    for (const file of fs.files.keys()) await index.hash(file);
    index.invalidate(['/p/a.txt']);
    expect(index.stats.entries).toBe(3);
    index.invalidate(['/p/sub']);
    expect(index.stats.entries).toBe(1);
    fs.reads.length = 0;
    for (const file of fs.files.keys()) await index.hash(file);
    expect(fs.reads.sort()).toEqual(['/p/a.txt', '/p/sub/b.txt', '/p/sub/deep/c.txt']);
  });

  it('stores each directory once, one string per file, and keeps no racy entry', async () => {
    const now = (BigInt(Date.now()) * 1_000_000n).toString();
    const fs = new MemoryFileSystem().put('/p/a.txt', 'hello').put('/p/b.txt', 'b').put('/p/fresh.txt', 'x', { mtimeNs: now });
    const index = await HashIndex.open({ fs, file: '/cache/index.json' });
    for (const file of ['/p/a.txt', '/p/b.txt', '/p/fresh.txt']) await index.hash(file);
    await index.save();
    const saved = JSON.parse(await fs.readText('/cache/index.json'));
    const a = fs.files.get('/p/a.txt');
    expect(saved).toEqual({
      version: 2,
      dirs: {
        '/p': {
          'a.txt': `5:${a?.mtimeNs}:${a?.ino} 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824`,
          'b.txt': expect.stringMatching(/^1:\d+:\d+ [0-9a-f]{64}$/),
        },
      },
    });
  });

  it('starts over from an index written in the older path-keyed format', async () => {
    const fs = new MemoryFileSystem()
      .put('/p/a.txt', 'hello')
      .put('/cache/index.json', JSON.stringify({ version: 1, entries: { '/p/a.txt': [5, '1', '1', 'f'.repeat(64), '9'] } }));
    const index = await HashIndex.open({ fs, file: '/cache/index.json' });
    expect(index.stats.entries).toBe(0);
    expect(await index.hash('/p/a.txt')).toBe('2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824');
  });

  it('ignores a corrupt index file', async () => {
    const fs = new MemoryFileSystem().put('/cache/index.json', '{nope');
    const index = await HashIndex.open({ fs, file: '/cache/index.json' });
    expect(index.stats.entries).toBe(0);
  });

  it('keeps its cache outside the project, per project root', () => {
    const dir = cacheDirectory({ projectRoot: '/work/app', env: { HOME: '/home/u' } });
    expect(dir).toMatch(/^\/home\/u\/\.cache\/devloop\/[0-9a-f]{16}$/);
    expect(cacheDirectory({ projectRoot: '/work/app', env: { XDG_CACHE_HOME: '/xdg' } })).toMatch(/^\/xdg\/devloop\//);
    expect(hashIndexFile('/c')).toBe('/c/hash-index.json');
  });
});
