import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NodeFileSystem } from '../system/node-file-system.ts';
import { TreeListing } from './tree-listing.ts';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const fs = new NodeFileSystem();
/** Longer than a tick of the kernel's coarse clock, which stamps inode changes. */
const tick = () => new Promise((resolve) => setTimeout(resolve, 30));

function write(relative: string, text = 'x'): void {
  mkdirSync(path.dirname(path.join(dir, relative)), { recursive: true });
  writeFileSync(path.join(dir, relative), text);
}

/** A listing of `roots` taken now (after a tick), and what `changesSince` then reports, relative to `dir`. */
async function listNow(roots: readonly string[], prune: (d: string) => boolean = () => false) {
  await tick();
  const since = Date.now();
  const listing = await TreeListing.take(
    fs,
    roots.map((r) => path.join(dir, r)),
    prune,
  );
  await tick();
  return {
    listing,
    changes: async () => {
      const seen: string[] = [];
      await listing.changesSince(since, (file, kind) => seen.push(`${kind} ${path.relative(dir, file)}`));
      return seen.sort();
    },
  };
}

describe('TreeListing', () => {
  it('counts the entries it listed and reports nothing when nothing changed', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'devloop-listing-'));
    write('app/a.txt');
    write('app/src/b.txt');
    write('devloop.config.json', '{}');
    const { listing, changes } = await listNow(['app', 'devloop.config.json']);
    expect(listing.entries).toBe(4);
    expect(await changes()).toEqual([]);
  });

  it('counts changes from a little before it was taken (the kernel stamps inode changes from a clock a tick behind)', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'devloop-listing-'));
    write('app/a.txt');
    const before = Date.now();
    const listing = await TreeListing.take(fs, [path.join(dir, 'app')], () => false);
    expect(listing.since).toBeGreaterThanOrEqual(before - 50);
    expect(listing.since).toBeLessThan(before);
  });

  it('reports files written, added and deleted since, and each file of a directory gone', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'devloop-listing-'));
    write('app/a.txt');
    write('app/keep.txt');
    write('app/old.txt');
    write('app/gone/one.txt');
    write('app/gone/deeper/two.txt');
    const { changes } = await listNow(['app']);
    write('app/a.txt', 'changed');
    write('app/new.txt');
    write('app/fresh/c.txt');
    rmSync(path.join(dir, 'app/old.txt'));
    rmSync(path.join(dir, 'app/gone'), { recursive: true });
    expect(await changes()).toEqual([
      'add app/fresh/c.txt',
      'add app/new.txt',
      'change app/a.txt',
      'unlink app/gone/deeper/two.txt',
      'unlink app/gone/one.txt',
      'unlink app/old.txt',
    ]);
  });

  it('reports files moved in although their inodes are older than the listing', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'devloop-listing-'));
    write('app/a.txt');
    write('outside/pkg/index.js');
    const { changes } = await listNow(['app']);
    renameSync(path.join(dir, 'outside/pkg'), path.join(dir, 'app/pkg'));
    expect(await changes()).toEqual(['add app/pkg/index.js']);
  });

  it('a file that became a directory, and the reverse', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'devloop-listing-'));
    write('app/x');
    write('app/y/inner.txt');
    const { changes } = await listNow(['app']);
    rmSync(path.join(dir, 'app/x'));
    write('app/x/now.txt');
    rmSync(path.join(dir, 'app/y'), { recursive: true });
    write('app/y');
    expect(await changes()).toEqual(['add app/x/now.txt', 'add app/y', 'unlink app/x', 'unlink app/y/inner.txt']);
  });

  it('compares a root that is a file exactly, even when it changed just before the listing', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'devloop-listing-'));
    write('devloop.config.json', '{}');
    write('other.json', '{}');
    const roots = ['devloop.config.json', 'other.json'].map((r) => path.join(dir, r));
    const listing = await TreeListing.take(fs, roots, () => false);
    await tick();
    write('other.json', '{"changed":true}');
    const seen: string[] = [];
    // As if the listing had been taken long before these files were written.
    await listing.changesSince(0, (file, kind) => seen.push(`${kind} ${path.relative(dir, file)}`));
    expect(seen).toEqual(['change other.json']);
  });

  it('splits the tree into groups of at most about `limit` entries, largest subtrees first', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'devloop-listing-'));
    for (const file of ['a/1', 'a/2', 'b/c/1', 'b/c/2', 'b/c/3', 'b/c/4', 'b/c/5', 'b/d/1', 'e.txt']) write(`app/${file}`);
    const { listing } = await listNow(['app']);
    const groups = listing.groups(4).map((group) => group.map((d) => path.relative(dir, d)));
    // app/b/c alone holds 5 (one directory is never split); app/b keeps b/d (3 with its own entries).
    expect(groups).toEqual([['app/a'], ['app/b'], ['app/b/c']]);
    expect(listing.groups(100)).toEqual([]);
  });

  it('leaves pruned directories alone, and follows roots that appear or go', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'devloop-listing-'));
    write('app/node_modules/dep/index.js');
    write('app/main.sh');
    write('devloop.config.json', '{}');
    const { listing, changes } = await listNow(['app', 'devloop.config.json', 'devloop.local.config.ts'], (d) =>
      d.endsWith('node_modules'),
    );
    expect(listing.entries).toBe(2);
    write('app/node_modules/dep/index.js', 'changed');
    write('app/node_modules/dep/new.js');
    write('devloop.local.config.ts', 'export default {}');
    rmSync(path.join(dir, 'devloop.config.json'));
    expect(await changes()).toEqual(['add devloop.local.config.ts', 'unlink devloop.config.json']);
  });
});
