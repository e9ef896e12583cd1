import { describe, expect, it } from 'vitest';
import { compareTimestamps, LogRingBuffer } from './log-buffer.ts';
import type { LogLine } from './log-line.ts';

const line = (text: string): LogLine => ({ resource: 'web', pod: 'p', container: 'c', timestamp: '', text, init: false });

describe('LogRingBuffer', () => {
  it('keeps the newest lines up to its capacity', () => {
    const buffer = new LogRingBuffer(3);
    for (const t of ['a', 'b', 'c', 'd', 'e']) buffer.push(line(t));
    expect(buffer.lines().map((l) => l.text)).toEqual(['c', 'd', 'e']);
    expect(buffer.dropped).toBe(2);
  });

  it('returns what it has before it is full', () => {
    const buffer = new LogRingBuffer(3);
    buffer.push(line('a'));
    expect(buffer.lines().map((l) => l.text)).toEqual(['a']);
  });
});

describe('compareTimestamps', () => {
  it('orders trimmed nanosecond timestamps numerically', () => {
    expect(compareTimestamps('2026-11-23T10:00:00.5Z', '2026-11-23T10:00:00.123456789Z')).toBe(1);
    expect(compareTimestamps('2026-11-23T10:00:00Z', '2026-11-23T10:00:00.000000001Z')).toBe(-1);
    expect(compareTimestamps('2026-11-23T10:00:01Z', '2026-11-23T10:00:00.9Z')).toBe(1);
    expect(compareTimestamps('2026-11-23T10:00:00.10Z', '2026-11-23T10:00:00.1Z')).toBe(0);
  });
});
