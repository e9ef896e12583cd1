import { describe, expect, it } from 'vitest';
import { MemoryFileSystem } from '../system/memory-file-system.ts';
import type { WatchDemand } from './doctor-check.ts';
import { checkInotify, countInotifyWatches } from './inotify-check.ts';

/** /p/app with `dirs` directories of two files each, an ignored node_modules, and the config file. */
function project(dirs: number, proc: { watches?: string; instances?: string } = {}): MemoryFileSystem {
  const fs = new MemoryFileSystem().put('/p/devloop.config.ts', 'export default {}').put('/p/app/Dockerfile', 'FROM busybox');
  for (let i = 0; i < dirs; i++) fs.put(`/p/app/src/d${i}/a.txt`, 'a').put(`/p/app/src/d${i}/b.txt`, 'b');
  fs.put('/p/app/node_modules/dep/index.js', '1').put('/p/app/node_modules/dep/lib/x.js', '2');
  if (proc.watches) fs.put('/proc/sys/fs/inotify/max_user_watches', `${proc.watches}\n`);
  if (proc.instances) fs.put('/proc/sys/fs/inotify/max_user_instances', `${proc.instances}\n`);
  return fs;
}

const demand: WatchDemand = {
  roots: ['/p/app', '/p/devloop.config.ts'],
  ignored: (file, kind) => kind === 'directory' && file.endsWith('/node_modules'),
};

describe('countInotifyWatches', () => {
  it('counts each directory the watcher walks and each file root, never a pruned directory', async () => {
    // app, app/src, 3 × app/src/dN, and the config file.
    expect(await countInotifyWatches(project(3), demand)).toBe(6);
    expect(await countInotifyWatches(project(3), { ...demand, ignored: () => false })).toBe(9);
  });
});

describe('checkInotify', () => {
  it('passes, naming the limits and what devloop up would take of them', async () => {
    const check = await checkInotify(project(3, { watches: '524288', instances: '512' }), demand);
    expect(check).toEqual({
      id: 'inotify',
      ok: true,
      detail: 'max_user_watches 524288, max_user_instances 512; devloop up watches 6 directories (0.00 % of max_user_watches)',
      fix: undefined,
    });
  });

  it('fails when devloop alone would take half the watches, with a limit that leaves room', async () => {
    const check = await checkInotify(project(60, { watches: '100', instances: '512' }), demand);
    expect(check.ok).toBe(false);
    expect(check.detail).toContain('devloop up watches 63 directories (63 % of max_user_watches)');
    expect(check.detail).toContain('over half');
    expect(check.fix).toBe(
      "sudo sysctl fs.inotify.max_user_watches=524288, and keep it: printf 'fs.inotify.max_user_watches=524288\\n' | sudo tee /etc/sysctl.d/60-devloop.conf",
    );
  });

  it('advises before the limit is near: over a quarter of it passes with a tip', async () => {
    const check = await checkInotify(project(30, { watches: '100', instances: '512' }), demand);
    expect(check.ok).toBe(true);
    expect(check.fix).toContain('sudo sysctl fs.inotify.max_user_watches=524288');
  });

  it('fails on a low limit even without a config, and on too few instances', async () => {
    const low = await checkInotify(project(0, { watches: '8192' }), undefined);
    expect(low.ok).toBe(false);
    expect(low.detail).toBe('max_user_watches 8192: below 65536, watching a large tree fails with ENOSPC');
    const instances = await checkInotify(project(0, { watches: '524288', instances: '8' }), undefined);
    expect(instances.ok).toBe(false);
    expect(instances.fix).toContain('sudo sysctl fs.inotify.max_user_instances=512');
  });

  it('passes where there is no inotify', async () => {
    expect((await checkInotify(project(1), demand)).detail).toBe('no inotify limits here (not Linux): file watching uses the platform API');
  });
});
