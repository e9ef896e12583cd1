import { describe, expect, it } from 'vitest';
import type { FileChange } from '../core/file-change.ts';
import { Batcher } from './batcher.ts';
import { manualTimers } from './manual-timers.ts';

describe('Batcher', () => {
  it('hands over one batch after the quiet period, one entry per path, first time seen', () => {
    const t = manualTimers();
    const batches: FileChange[][] = [];
    const b = new Batcher({ quietMs: 50, onBatch: (c) => batches.push(c), timers: t.timers });
    b.add('/a', 'change');
    t.advance(30);
    b.add('/b', 'add');
    t.advance(30);
    b.add('/a', 'change');
    t.advance(49);
    expect(batches).toHaveLength(0);
    t.advance(1);
    expect(batches).toEqual([
      [
        { path: '/a', kind: 'change', at: 0 },
        { path: '/b', kind: 'add', at: 30 },
      ],
    ]);
  });

  it('keeps the last kind of a path', () => {
    const t = manualTimers();
    const batches: FileChange[][] = [];
    const b = new Batcher({ quietMs: 10, onBatch: (c) => batches.push(c), timers: t.timers });
    b.add('/a', 'add');
    b.add('/a', 'unlink');
    t.advance(10);
    expect(batches[0]?.[0]?.kind).toBe('unlink');
  });

  it('holds events while paused and flushes them on resume', () => {
    const t = manualTimers();
    const batches: FileChange[][] = [];
    const b = new Batcher({ quietMs: 10, onBatch: (c) => batches.push(c), timers: t.timers });
    b.pause();
    b.add('/a', 'change');
    t.advance(100);
    expect(batches).toHaveLength(0);
    expect(b.pendingCount).toBe(1);
    b.resume();
    expect(batches).toHaveLength(1);
  });
});
