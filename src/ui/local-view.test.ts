import { describe, expect, it } from 'vitest';
import { t0 } from '../../test/support/engine-script.ts';
import type { Action } from '../engine/actions.ts';
import { reduce } from '../engine/reducer.ts';
import { initialState } from '../engine/state.ts';
import { initialUiState } from './ui-state.ts';
import { toView } from './view-model.ts';

const started: Action = {
  type: 'engine-started',
  at: t0,
  resources: [{ name: 'api', images: ['api'], dependsOn: ['gen'], trigger: 'auto' }],
  images: ['api'],
  locals: [{ name: 'gen', command: ['npm', 'run', 'gen'], dependsOn: [], trigger: 'auto', serve: false }],
};
const failed: Action = {
  type: 'local-failed',
  at: t0 + 1500,
  local: 'gen',
  exitCode: 2,
  durationMs: 1500,
  problem: {
    stage: 'local',
    reason: 'local-command-failed',
    message: 'npm run gen exited with code 2',
    fix: 'see its log; it runs again when its deps change, or on t',
    details: ['> gen', 'error TS2304: Cannot find name Foo'],
  },
};
const view = (actions: Action[], now: number, patch = {}) =>
  toView(actions.reduce(reduce, initialState(t0)), { ...initialUiState, ...patch }, now);

describe('a local command on the screen', () => {
  it('is a row before the resources, with its status like a phase', () => {
    const rows = (actions: Action[], now: number) => view(actions, now).rows.map((r) => `${r.glyph} ${r.name} ${r.phaseText}`);
    expect(rows([started], t0)).toEqual(['◌ gen pending', '○ api idle']);
    const running: Action[] = [started, { type: 'local-started', at: t0 + 100, local: 'gen' }];
    expect(rows(running, t0 + 1300)[0]).toBe('◐ gen running 1.2s');
    expect(view(running, t0 + 1300).rows[0]).toMatchObject({ spinning: true });
    const done: Action[] = [...running, { type: 'local-completed', at: t0 + 940, local: 'gen', durationMs: 840 }];
    expect(rows(done, t0 + 2000)[0]).toBe('● gen succeeded in 840ms');
    expect(rows([...running, failed], t0 + 2000)[0]).toBe('✖ gen failed · exit 2');
    expect(view([...running, failed], t0 + 2000).rows[0]).toMatchObject({ problem: 'local-command-failed', phaseColor: 'red' });
  });

  it('says why it waits, and a manual one with changes waits for t', () => {
    const waiting = view([started, { type: 'local-waiting', at: t0, local: 'gen', waiting: { kind: 'trigger' } }], t0);
    expect(waiting.rows[0]?.waiting).toBe('changes pending: press t to run');
  });

  it('shows its command, the failure, the fix and its last lines in the detail view', () => {
    const detail = view([started, { type: 'local-started', at: t0, local: 'gen' }, failed], t0 + 2000, { showDetail: true }).detail;
    expect(detail).toMatchObject({
      name: 'gen',
      phaseText: 'failed · exit 2',
      images: ['$ npm run gen'],
      problem: {
        reason: 'local-command-failed',
        message: 'npm run gen exited with code 2',
        details: ['> gen', 'error TS2304: Cannot find name Foo'],
      },
    });
    expect(detail?.height).toBe(6);
  });
});
