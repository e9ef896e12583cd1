import { describe, expect, it } from 'vitest';
import { crashLoop, engineStarted, failureScript, successScript, t0 } from '../../test/support/engine-script.ts';
import type { Action } from '../engine/actions.ts';
import { reduce } from '../engine/reducer.ts';
import { type EngineState, initialState } from '../engine/state.ts';
import { initialUiState, type UiState } from './ui-state.ts';
import { toView, type View } from './view-model.ts';

const run = (actions: readonly Action[], from: EngineState = initialState(t0)) => actions.reduce(reduce, from);
const upTo = (type: Action['type'], script: readonly Action[] = successScript) => {
  const index = script.findIndex((a) => a.type === type);
  return script.slice(0, index + 1);
};
const row = (view: View, name = 'hello') => {
  const found = view.rows.find((r) => r.name === name);
  if (!found) throw new Error(`no row ${name}`);
  return found;
};
const ui = (patch: Partial<UiState> = {}): UiState => ({ ...initialUiState, ...patch });
const size = { columns: 100, rows: 30 };

describe('toView: the resource row through one iteration', () => {
  it('shows nothing but a starting header before the engine announced resources', () => {
    const view = toView(initialState(t0), ui(), t0, size);
    expect(view.rows).toEqual([]);
    expect(view.header.watchText).toBe('starting…');
    expect(view.detail).toBeUndefined();
  });

  it('is idle and grey after engine-started, watching after watch-ready', () => {
    const view = toView(run(upTo('watch-ready')), ui(), t0 + 60, size);
    expect(row(view)).toMatchObject({ phase: 'idle', glyph: '○', color: 'gray', phaseText: 'idle', spinning: false, spinner: '' });
    expect(view.header).toMatchObject({ watch: 'watching', watchText: 'watching', iteration: 0, summary: '0/1 ready' });
  });

  it('is queued and spinning once the iteration started; the header names the change', () => {
    const view = toView(run(upTo('iteration-started')), ui(), t0 + 1250, size);
    expect(row(view)).toMatchObject({ phase: 'queued', glyph: '◌', color: 'yellow', phaseText: 'queued', spinning: true });
    expect(row(view).spinner).not.toBe('');
    expect(view.header).toMatchObject({ iteration: 1, lastChanges: 'site/index.html', summary: '0/1 ready · 1 updating' });
  });

  it('names the first invalidated step when the build starts, then the step the builder reports', () => {
    expect(row(toView(run(upTo('build-started')), ui(), t0 + 1310, size)).phaseText).toBe(
      'building hello 0ms · from step 5/7 COPY site/ /srv/',
    );
    const view = toView(run(upTo('build-step')), ui(), t0 + 1810, size);
    expect(row(view)).toMatchObject({ phase: 'building', glyph: '◐', color: 'cyan', spinning: true });
    expect(row(view).phaseText).toBe('building hello 500ms · step 5/7 COPY site/ /srv/');
  });

  it('shows delivering, patching and rolling out with elapsed times and pods', () => {
    expect(row(toView(run(upTo('build-completed')), ui(), t0 + 2305, size)).phaseText).toBe('built hello');
    expect(row(toView(run(upTo('delivery-started')), ui(), t0 + 2510, size)).phaseText).toBe('delivering hello 200ms');
    expect(row(toView(run(upTo('delivery-completed')), ui(), t0 + 2705, size)).phaseText).toBe('delivered by registry-push');
    expect(row(toView(run(upTo('deploy-started')), ui(), t0 + 2760, size)).phaseText).toBe('patching image 50ms');
    const skipped: Action = {
      type: 'delivery-completed',
      at: t0 + 2700,
      delivered: [
        { image: 'hello', tag: '1', deployRef: 'r/hello:1', imagePullPolicy: 'IfNotPresent', stage: 'skipped', route: 'registry' },
      ],
    };
    const already = run([...upTo('delivery-started'), skipped]);
    expect(row(toView(already, ui(), t0 + 2705, size)).phaseText).toBe('already in the registry');
    expect(toView(already, ui({ showDetail: true }), t0 + 2705, size).detail?.images[0]).toMatch(/ · already in the registry$/);
    const rolling = row(toView(run(upTo('rollout-progress')), ui(), t0 + 3100, size));
    expect(rolling).toMatchObject({ phase: 'rolling-out', pods: '0/1', images: 'hello:3f9a1b2' });
    expect(rolling.phaseText).toBe('rolling out 300ms · 1 of 1 updated pods not ready');
  });

  it('shows applying manifests for a first deploy', () => {
    const actions = upTo('deploy-started').map((a) => (a.type === 'deploy-started' ? { ...a, mode: 'apply' as const } : a));
    expect(row(toView(run(actions), ui(), t0 + 2710, size)).phaseText).toBe('applying manifests 0ms');
  });

  it('is green with edit-to-ready, tag and pods when ready', () => {
    const view = toView(run(successScript), ui(), t0 + 5000, size);
    expect(row(view)).toMatchObject({
      phase: 'ready',
      glyph: '●',
      color: 'green',
      phaseText: 'ready',
      spinning: false,
      editToReadyMs: 2400,
      editToReady: '2.4s',
      images: 'hello:3f9a1b2',
      pods: '1/1',
      problem: undefined,
    });
    expect(view.header.summary).toBe('1/1 ready');
  });

  it('is red with the problem reason when the rollout failed, keeping the last edit-to-ready', () => {
    const view = toView(run([...successScript, ...failureScript]), ui(), t0 + 15_000, size);
    expect(row(view)).toMatchObject({
      phase: 'failed',
      glyph: '✖',
      color: 'red',
      problem: 'crash-loop',
      phaseText: 'rollout failed',
      editToReady: '2.4s',
    });
    expect(view.header.summary).toBe('0/1 ready · 1 failed');
  });

  it('shows why a resource waits, and a pending manual resource', () => {
    const manual: Action = {
      ...engineStarted,
      resources: [{ name: 'hello', images: ['hello'], dependsOn: ['db'], trigger: 'manual' }],
    } as Action;
    const waiting = run([manual, { type: 'resource-waiting', at: t0 + 1, resource: 'hello', waiting: { kind: 'dependency', on: 'db' } }]);
    expect(row(toView(waiting, ui(), t0 + 2, size))).toMatchObject({
      waiting: 'waiting for db to be ready',
      glyph: '◌',
      color: 'yellow',
      phaseText: 'manual',
    });
    const pending = run([
      manual,
      ...successScript.slice(1),
      { type: 'resource-waiting', at: t0 + 9000, resource: 'hello', waiting: { kind: 'trigger' } },
    ]);
    expect(row(toView(pending, ui(), t0 + 9001, size)).waiting).toBe('changes pending: press t to deploy');
  });

  it('shows a resource held for a component that is down as waiting, not as a plain failure', () => {
    const hold = {
      reason: 'waiting-for-registry',
      component: 'registry',
      cause: 'registry-unreachable',
      resources: ['hello'],
      since: t0 + 15_000,
    } as const;
    const failed = run([...successScript, ...failureScript]);
    expect(row(toView(failed, ui(), t0 + 15_000, size))).toMatchObject({ glyph: '✖', color: 'red' });
    const held = run([{ type: 'work-held', at: t0 + 15_000, hold }], failed);
    expect(row(toView(held, ui(), t0 + 15_001, size))).toMatchObject({
      glyph: '◌',
      color: 'yellow',
      waiting: 'waiting-for-registry: retrying when the registry answers',
    });
    const resumed = run([{ type: 'work-resumed', at: t0 + 16_000, hold, because: 'component-answered' }], held);
    expect(row(toView(resumed, ui(), t0 + 16_001, size))).toMatchObject({ glyph: '✖', waiting: undefined });
  });
});

describe('toView: the detail of the selected resource', () => {
  it('is absent unless asked for', () => {
    expect(toView(run(successScript), ui(), t0 + 5000, size).detail).toBeUndefined();
  });

  it('shows the diagnosis, the fix and the details of a failure', () => {
    const view = toView(run([...successScript, ...failureScript]), ui({ showDetail: true }), t0 + 15_000, size);
    expect(view.detail?.problem).toEqual({
      reason: 'crash-loop',
      stage: 'rollout',
      message: crashLoop.message,
      fix: crashLoop.fix,
      details: crashLoop.details,
      hiddenDetails: 0,
    });
    expect(view.detail?.images).toEqual([
      'hello: rebuild from step 5/7 COPY site/ /srv/: site/app.js changed · built in 690ms · registry-push',
    ]);
  });

  it('leaves the reason out of a message that starts with it, so the detail says it once', () => {
    const problem = { ...crashLoop, message: `crash-loop: ${crashLoop.message}` };
    const failed: Action = { type: 'resource-failed', at: t0 + 14_000, resource: 'hello', problem };
    const state = run([...successScript, ...failureScript.slice(0, -2), failed]);
    const view = toView(state, ui({ showDetail: true }), t0 + 15_000, size);
    expect(view.detail?.problem).toMatchObject({ reason: 'crash-loop', message: crashLoop.message });
  });

  it('keeps the last detail lines that fit and counts the others', () => {
    const details = Array.from({ length: 50 }, (_, i) => `line ${i}`);
    const failed: Action = { type: 'resource-failed', at: t0 + 14_000, resource: 'hello', problem: { ...crashLoop, details } };
    const state = run([...successScript, ...failureScript.slice(0, -2), failed]);
    const view = toView(state, ui({ showDetail: true }), t0 + 15_000, size);
    const problem = view.detail?.problem;
    expect(problem?.details.at(-1)).toBe('line 49');
    expect((problem?.details.length ?? 0) + (problem?.hiddenDetails ?? 0)).toBe(50);
    expect(problem?.hiddenDetails).toBeGreaterThan(0);
  });

  it('draws the timeline of the last iteration as bars relative to the change, scaled to the width', () => {
    const view = toView(run(successScript), ui({ showDetail: true }), t0 + 5000, { columns: 48, rows: 40 });
    const timeline = view.detail?.timeline;
    expect(timeline).toMatchObject({ iteration: 1, label: 'last', totalMs: 2400, totalText: '2.4s', ready: true, width: 24 });
    expect(timeline?.bars.map((b) => [b.name, b.startMs, b.durationMs, b.offset, b.width, b.running])).toEqual([
      ['plan', 200, 100, 2, 1, false],
      ['build', 310, 990, 3, 10, false],
      ['deliver', 1310, 390, 13, 4, false],
      ['patch', 1710, 90, 17, 1, false],
      ['rollout', 1800, 600, 18, 6, false],
    ]);
    for (const bar of timeline?.bars ?? []) expect(bar.offset + bar.width).toBeLessThanOrEqual(24);
    expect(timeline?.bars.map((b) => b.process)).toEqual([undefined, 'BuildKit', 'docker push', 'API server', 'kubelet']);
  });

  it('draws the current iteration up to now while it runs', () => {
    const view = toView(run(upTo('build-step')), ui({ showDetail: true }), t0 + 2000, { columns: 44, rows: 40 });
    const timeline = view.detail?.timeline;
    expect(timeline).toMatchObject({ label: 'current', totalMs: 1000, ready: false, width: 20 });
    expect(timeline?.bars.at(-1)).toMatchObject({ name: 'build', running: true, durationMs: 690, offset: 6, width: 14 });
  });
});

describe('toView: layout, header, legend and log pane', () => {
  it('fills the terminal but one row, with or without the detail', () => {
    for (const showDetail of [false, true]) {
      for (const rows of [12, 24, 50]) {
        const view = toView(run([...successScript, ...failureScript]), ui({ showDetail }), t0 + 15_000, { columns: 80, rows });
        const used = view.header.height + view.listHeight + (view.detail?.height ?? 0) + view.logs.height + 2;
        expect(used).toBe(rows - 1);
      }
    }
  });

  it('windows a long resource list around the selected row', () => {
    const names = Array.from({ length: 30 }, (_, i) => `svc-${i}`);
    const state = run([
      {
        type: 'engine-started',
        at: t0,
        resources: names.map((name) => ({ name, images: [], dependsOn: [], trigger: 'auto' })),
        images: [],
      },
    ]);
    const view = toView(state, ui({ selected: 20 }), t0, { columns: 80, rows: 31 });
    expect(view.listHeight).toBe(10);
    expect(view.rows.map((r) => r.name)).toContain('svc-20');
    expect(view.rows.find((r) => r.selected)?.name).toBe('svc-20');
    expect(view.rowsHidden.above + view.rows.length + view.rowsHidden.below).toBe(30);
  });

  it('clamps the selection to the list', () => {
    const view = toView(run(successScript), ui({ selected: 7 }), t0, size);
    expect(view.rows[0]?.selected).toBe(true);
  });

  it('lists config problems while the last good config runs', () => {
    const state = run([
      ...successScript,
      {
        type: 'config-invalid',
        at: t0 + 9000,
        diagnostics: [1, 2, 3, 4].map((n) => ({
          severity: 'error' as const,
          code: 'config-wrong-type',
          message: `bad ${n}`,
          file: 'devloop.config.ts',
          keyPath: `resources.web.port${n}`,
        })),
      },
    ]);
    const header = toView(state, ui(), t0 + 9001, size).header;
    expect(header.configProblems).toEqual([
      'devloop.config.ts: resources.web.port1: bad 1',
      'devloop.config.ts: resources.web.port2: bad 2',
    ]);
    expect(header.hiddenConfigProblems).toBe(2);
    expect(header.height).toBe(5);
    expect(toView(run([{ type: 'config-reloaded', at: t0 + 9100 }], state), ui(), t0, size).header.configProblems).toEqual([]);
  });

  it('says paused and stopping', () => {
    const paused = run([...successScript, { type: 'watch-paused', at: t0 + 5000 }]);
    expect(toView(paused, ui(), t0, size).header).toMatchObject({ watch: 'paused', watchText: 'paused (p resumes)' });
    expect(toView(paused, ui(), t0, size).legend).toContainEqual({ key: 'p', label: 'resume' });
    expect(toView(run([{ type: 'engine-stopping', at: t0 + 6000 }], paused), ui(), t0, size).header.watchText).toBe('stopping…');
  });

  it('tells the log pane what to read: all, or the selected resource, with the filter', () => {
    const state = run(successScript);
    expect(toView(state, ui(), t0, size).logs).toMatchObject({
      resource: undefined,
      showResource: true,
      title: 'logs · all resources',
      focused: false,
    });
    const scoped = toView(state, ui({ logScope: 'selected', logFilter: 'err', focus: 'logs', logOffset: 3 }), t0, size).logs;
    expect(scoped).toMatchObject({ resource: 'hello', showResource: false, filter: 'err', focused: true, offset: 3 });
    expect(scoped.title).toBe('logs · hello · filter "err" · scrolled back 3');
    expect(toView(state, ui({ editingFilter: true, logFilter: 'e' }), t0, size).logs.title).toBe('logs · all resources · filter "e▏"');
  });

  it('gives each resource a stable log colour', () => {
    const state = run([
      {
        type: 'engine-started',
        at: t0,
        resources: ['a', 'b'].map((name) => ({ name, images: [], dependsOn: [], trigger: 'auto' })),
        images: [],
      },
    ]);
    expect(toView(state, ui(), t0, size).logColors).toEqual({ a: 'cyan', b: 'magenta' });
  });

  it('shows the keys of the current mode', () => {
    const state = run(successScript);
    const keys = (u: UiState) => toView(state, u, t0, size).legend.map((i) => i.key);
    expect(keys(ui())).toEqual(['↑↓', 'enter', 'l', 'a', '/', 't', 'p', 'q']);
    expect(keys(ui({ focus: 'logs' }))).toEqual(['↑↓', 'G', 'l', 'a', '/', 't', 'p', 'q']);
    expect(keys(ui({ editingFilter: true }))).toEqual(['type', 'enter', 'esc']);
  });
});
