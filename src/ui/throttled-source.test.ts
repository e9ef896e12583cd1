import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ThrottledSource } from './throttled-source.ts';

function emitter() {
  const listeners = new Set<() => void>();
  return {
    subscribe: (l: () => void) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    emit: () => {
      for (const l of listeners) l();
    },
    count: () => listeners.size,
  };
}

describe('ThrottledSource', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('passes the first change at once and at most one per interval after, never losing the last', () => {
    const source = emitter();
    const throttled = new ThrottledSource(source, 50);
    const heard = vi.fn();
    const unsubscribe = throttled.subscribe(heard);
    source.emit();
    expect(heard).toHaveBeenCalledTimes(1);
    expect(throttled.getSnapshot()).toBe(1);
    for (let i = 0; i < 10_000; i++) source.emit();
    expect(heard).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(50);
    expect(heard).toHaveBeenCalledTimes(2);
    expect(throttled.getSnapshot()).toBe(2);
    vi.advanceTimersByTime(500);
    expect(heard).toHaveBeenCalledTimes(2);
    unsubscribe();
    expect(source.count()).toBe(0);
  });

  it('drops a pending change on unsubscribe', () => {
    const source = emitter();
    const heard = vi.fn();
    const unsubscribe = new ThrottledSource(source, 50).subscribe(heard);
    source.emit();
    source.emit();
    unsubscribe();
    vi.advanceTimersByTime(100);
    expect(heard).toHaveBeenCalledTimes(1);
  });

  it('passes every change with a zero interval', () => {
    const source = emitter();
    const heard = vi.fn();
    new ThrottledSource(source, 0).subscribe(heard);
    source.emit();
    source.emit();
    expect(heard).toHaveBeenCalledTimes(2);
  });
});
