import { describe, expect, it } from 'vitest';
import { captureSink } from '../../test/support/cli-harness.ts';
import { successScript, t0 } from '../../test/support/engine-script.ts';
import type { Action } from '../engine/actions.ts';
import { LogStore } from '../engine/log-store.ts';
import { reduce } from '../engine/reducer.ts';
import { initialState } from '../engine/state.ts';
import { Store } from '../engine/store.ts';
import { PlainReporter } from '../report/reporters/plain-reporter.ts';
import { initialUiState } from './ui-state.ts';
import { toView } from './view-model.ts';

/** The success script up to ready, then an edit the live update copies into the pod. */
const ready = successScript.slice(0, successScript.findIndex((a) => a.type === 'resource-ready') + 1);
const t1 = t0 + 10_000;
const syncScript: readonly Action[] = [
  ...ready,
  { type: 'changes-detected', at: t1 + 85, paths: ['site/index.html'], firstSeenAt: t1 },
  { type: 'iteration-started', at: t1 + 86, iteration: 2, resources: ['hello'], changeSeenAt: t1 },
  { type: 'plan-completed', at: t1 + 95, startedAt: t1 + 86, plans: [] },
  { type: 'sync-started', at: t1 + 96, resource: 'hello', images: ['hello'], files: ['/srv/index.html'] },
];
const synced: Action = {
  type: 'sync-completed',
  at: t1 + 180,
  resource: 'hello',
  tags: { hello: 'dl-next' },
  files: ['/srv/index.html'],
  pods: ['hello-7d9c6b5f4-x2k8q'],
  bytes: 2048,
  durationMs: 84,
  resync: false,
};
const detail = { ...initialUiState, showDetail: true };

describe('a sync iteration in the UI and the plain report', () => {
  it('shows syncing, then ready ahead of the image with what was copied and the timeline', () => {
    const syncing = syncScript.reduce(reduce, initialState(t0));
    expect(toView(syncing, initialUiState, t1 + 130).rows[0]).toMatchObject({ phase: 'syncing', phaseText: 'syncing files 34ms' });
    const done = reduce(syncing, synced);
    const view = toView(done, detail, t1 + 200);
    expect(view.rows[0]).toMatchObject({ phase: 'ready', phaseText: 'ready · synced ahead of image', editToReadyMs: 180 });
    expect(view.detail?.images).toContain('live update: synced 1 file into 1 pod (2.0 kB) in 84ms');
    expect(view.detail?.timeline?.bars.map((b) => b.name)).toEqual(['plan', 'sync']);
  });

  it('says why a resource rebuilds instead, and a failed sync with its fix', () => {
    const skipped = reduce(syncScript.slice(0, -1).reduce(reduce, initialState(t0)), {
      type: 'sync-skipped',
      at: t1 + 96,
      resource: 'hello',
      why: 'httpd.conf is not synced',
    });
    expect(toView(skipped, detail, t1 + 100).detail?.images).toContain('live update: rebuild: httpd.conf is not synced');

    const store = new Store(t0);
    const sink = captureSink();
    new PlainReporter({ store, logs: new LogStore(), sink, color: false, cwd: '/p' });
    for (const action of syncScript) store.dispatch(action);
    store.dispatch({
      type: 'sync-failed',
      at: t1 + 150,
      resource: 'hello',
      problem: {
        stage: 'sync',
        reason: 'sync-permission-denied',
        message: '/srv is owned by root and the container runs as 10001',
        fix: 'RUN chown',
      },
      lasting: true,
    });
    expect(toView(store.getState(), detail, t1 + 200).detail?.images).toContain(
      'live update failed (rebuilds instead until the Dockerfile changes): /srv is owned by root and the container runs as 10001 · fix: RUN chown',
    );
    const lines = sink.text().split('\n');
    expect(lines).toContain('[hello] syncing /srv/index.html');
    expect(lines).toContain('[hello] live update failed: sync-permission-denied: /srv is owned by root and the container runs as 10001');
    expect(lines).toContain('  fix: RUN chown');
    expect(lines).toContain('[hello] rebuilding; live update is off for this image until its Dockerfile changes');
  });
});
