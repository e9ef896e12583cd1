import { describe, expect, it } from 'vitest';
import type { StoredLine } from '../engine/log-store.ts';
import { logQueryLimit, toLogRows } from './log-view.ts';
import type { LogPaneView } from './view-model.ts';

const lines: StoredLine[] = Array.from({ length: 10 }, (_, i) => ({
  seq: i + 1,
  resource: i % 2 ? 'api' : 'web',
  pod: 'web-7d9c6b5f4-x2k8q',
  container: 'main',
  timestamp: '2026-01-01T00:00:00Z',
  text: `line ${i + 1}\u001b[0m`,
}));
const pane = (patch: Partial<LogPaneView> = {}): LogPaneView => ({
  title: '',
  focused: false,
  resource: undefined,
  filter: '',
  editingFilter: false,
  offset: 0,
  height: 3,
  showResource: true,
  ...patch,
});

describe('toLogRows', () => {
  it('shows the newest lines with resource, short pod and container', () => {
    const rows = toLogRows(lines, pane(), { web: 'cyan' });
    expect(rows.map((r) => r.text)).toEqual(['line 8', 'line 9', 'line 10']);
    expect(rows[0]).toEqual({ key: 8, prefix: 'api web-x2k8q/main', color: 'gray', text: 'line 8' });
    expect(rows[1]?.color).toBe('cyan');
  });

  it('leaves out the resource when the pane shows one resource', () => {
    expect(toLogRows(lines, pane({ showResource: false }), {})[0]?.prefix).toBe('web-x2k8q/main');
  });

  it('scrolls back by the offset, stopping at the oldest line', () => {
    expect(logQueryLimit(pane({ offset: 4 }))).toBe(7);
    expect(toLogRows(lines, pane({ offset: 4 }), {}).map((r) => r.key)).toEqual([4, 5, 6]);
    expect(toLogRows(lines, pane({ offset: 40 }), {}).map((r) => r.key)).toEqual([1, 2, 3]);
  });
});
