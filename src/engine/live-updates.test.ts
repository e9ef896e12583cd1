import { describe, expect, it } from 'vitest';
import type { FileChange } from '../core/file-change.ts';
import { err, ok, type Result } from '../core/result.ts';
import { rig } from './dev-loop-rig.test-support.ts';
import type { LoopResource } from './loop-model.ts';
import type { SyncFailure, SyncFile, SyncPlan, SyncReport } from './ports.ts';

const web: LoopResource = { name: 'web', images: ['web'], dependsOn: [], trigger: 'auto' };

/** A loop whose planner syncs paths under /p/site and rebuilds anything else; the updater answers `answer`. */
function liveRig() {
  const planned: string[][] = [];
  const synced: { files: string[]; runs: number }[] = [];
  let answer: () => Result<SyncReport, SyncFailure> = () => ok({ pods: ['web-1'], files: 1, bytes: 512 });
  let gate: Promise<void> = Promise.resolve();
  const r = rig({
    resources: [web],
    tags: { web: 't1' },
    syncPlanner: {
      planSync: async (_image, changes: readonly FileChange[]): Promise<SyncPlan> => {
        planned.push(changes.map((c) => c.path));
        const other = changes.find((c) => !c.path.startsWith('/p/site/'));
        if (other) return { kind: 'rebuild', why: `${other.path} is not synced`, key: 'k1' };
        const files = changes.map(
          (c): SyncFile => ({ localPath: c.path, containerPath: c.path.replace('/p/site', '/srv'), kind: 'write' }),
        );
        return { kind: 'sync', files, runs: [], key: 'k1' };
      },
    },
    liveUpdater: {
      sync: async (request) => {
        synced.push({ files: request.files.map((f) => f.containerPath), runs: request.runs.length });
        await gate;
        return answer();
      },
    },
  });
  return {
    ...r,
    planned,
    synced,
    answer(fn: () => Result<SyncReport, SyncFailure>) {
      answer = fn;
    },
    gate(promise: Promise<void>) {
      gate = promise;
    },
  };
}

const deniedOnce: SyncFailure = {
  problem: {
    stage: 'sync',
    reason: 'sync-permission-denied',
    message: '/srv is owned by root and the container runs as 10001',
    fix: 'chown',
  },
  lasting: true,
};

describe('live update in the loop', () => {
  it('a covered change is synced: no build, no rollout, ready again, ahead of the image', async () => {
    const r = liveRig();
    const completed: unknown[] = [];
    r.store.subscribe((a) => {
      if (a.type === 'iteration-completed') completed.push(a.kind);
    });
    await r.loop.start();
    r.tags.web = 't2';
    await r.loop.changes(r.change('/p/site/index.html'));
    expect(completed).toEqual(['build', 'sync']);
    expect(r.synced).toEqual([{ files: ['/srv/index.html'], runs: 0 }]);
    expect(r.built).toEqual(['web:t1']);
    expect(r.deployed).toHaveLength(1);
    const state = r.store.getState().resources.web;
    expect(state).toMatchObject({ phase: 'ready', deployedTags: { web: 't1' }, syncedTags: { web: 't2' } });
    expect(state?.timeline?.phases.map((p) => p.name)).toEqual(['plan', 'sync']);
    expect(state?.sync).toMatchObject({ kind: 'synced', files: 1, pods: 1, bytes: 512 });
  });

  it('a change no rule covers rebuilds, says why, and the new image is no longer behind', async () => {
    const r = liveRig();
    await r.loop.start();
    r.tags.web = 't2';
    await r.loop.changes(r.change('/p/site/index.html'));
    r.tags.web = 't3';
    await r.loop.changes(r.change('/p/requirements.txt'));
    expect(r.actions).toContain('sync-skipped');
    expect(r.store.getState().resources.web?.sync).toEqual({ kind: 'skipped', why: '/p/requirements.txt is not synced' });
    expect(r.built).toEqual(['web:t1', 'web:t3']);
    expect(r.store.getState().resources.web).toMatchObject({ phase: 'ready', deployedTags: { web: 't3' }, syncedTags: {} });
  });

  it('a failed sync rebuilds in the same iteration; a lasting failure is reported once and later changes rebuild', async () => {
    const r = liveRig();
    await r.loop.start();
    r.answer(() => err(deniedOnce));
    r.tags.web = 't2';
    await r.loop.changes(r.change('/p/site/index.html'));
    expect(r.built).toEqual(['web:t1', 'web:t2']);
    expect(r.store.getState().resources.web).toMatchObject({ phase: 'ready', deployedTags: { web: 't2' } });
    r.tags.web = 't3';
    await r.loop.changes(r.change('/p/site/index.html'));
    expect(r.synced).toHaveLength(1);
    expect(r.actions.filter((a) => a === 'sync-failed')).toHaveLength(1);
    expect(r.built).toEqual(['web:t1', 'web:t2', 'web:t3']);
  });

  it('a passing failure (the pod went away) tries again next time', async () => {
    const r = liveRig();
    await r.loop.start();
    r.answer(() => err({ problem: { stage: 'sync', reason: 'sync-pod-gone', message: 'gone' }, lasting: false }));
    r.tags.web = 't2';
    await r.loop.changes(r.change('/p/site/a.html'));
    r.answer(() => ok({ pods: ['web-2'], files: 1, bytes: 10 }));
    r.tags.web = 't3';
    await r.loop.changes(r.change('/p/site/b.html'));
    expect(r.synced.map((s) => s.files)).toEqual([['/srv/a.html'], ['/srv/b.html']]);
    expect(r.store.getState().resources.web).toMatchObject({ deployedTags: { web: 't2' }, syncedTags: { web: 't3' } });
  });

  it('a pod that replaced a synced one gets every file synced since the image', async () => {
    const r = liveRig();
    await r.loop.start();
    r.tags.web = 't2';
    await r.loop.changes(r.change('/p/site/a.html'));
    r.tags.web = 't3';
    await r.loop.changes(r.change('/p/site/b.html'));
    expect(r.planned.at(-1)).toEqual(['/p/site/b.html']);
    r.live.get('web')?.({ kind: 'pod-deleted', pod: 'web-1' });
    r.live.get('web')?.({ kind: 'replicas', ready: 0, wanted: 1 });
    r.live.get('web')?.({ kind: 'replicas', ready: 1, wanted: 1 });
    await r.loop.idle();
    expect(r.synced.at(-1)).toEqual({ files: ['/srv/a.html', '/srv/b.html'], runs: 0 });
    expect(r.built).toEqual(['web:t1']);
  });

  it('a container that restarted inside its pod gets the synced files again', async () => {
    const r = liveRig();
    await r.loop.start();
    r.tags.web = 't2';
    await r.loop.changes(r.change('/p/site/a.html'));
    r.live.get('web')?.({ kind: 'container-restarted', pod: 'web-1', container: 'app' });
    await r.loop.idle();
    expect(r.synced).toHaveLength(2);
    expect(r.store.getState().resources.web?.sync).toMatchObject({ kind: 'synced', resync: true });
  });

  it('newer changes during a sync let it finish, then sync what they changed', async () => {
    const r = liveRig();
    await r.loop.start();
    let release: () => void = () => undefined;
    r.gate(
      new Promise<void>((resolve) => {
        release = resolve;
      }),
    );
    r.tags.web = 't2';
    const first = r.loop.changes(r.change('/p/site/a.html'));
    await new Promise((resolve) => setTimeout(resolve, 5));
    r.tags.web = 't3';
    const second = r.loop.changes(r.change('/p/site/b.html'));
    await new Promise((resolve) => setTimeout(resolve, 5));
    release();
    await Promise.all([first, second]);
    expect(r.synced.map((x) => x.files)).toEqual([['/srv/a.html'], ['/srv/b.html']]);
    expect(r.built).toEqual(['web:t1']);
    expect(r.store.getState().resources.web).toMatchObject({ phase: 'ready', syncedTags: { web: 't3' } });
  });
});
