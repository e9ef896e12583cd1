import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IndexSaver } from './index-saver.ts';

describe('IndexSaver', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('saves once per delay however often it is asked, and again after the next ask', async () => {
    const save = vi.fn(async () => undefined);
    const saver = new IndexSaver({ save }, 5000);
    for (let i = 0; i < 50; i++) saver.soon();
    await vi.advanceTimersByTimeAsync(4999);
    expect(save).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(save).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(save).toHaveBeenCalledTimes(1);
    saver.soon();
    saver.soon();
    await vi.advanceTimersByTimeAsync(5000);
    expect(save).toHaveBeenCalledTimes(2);
  });

  it('leaves a failed save for the next one', async () => {
    const save = vi.fn(async () => {
      throw new Error('disk full');
    });
    const saver = new IndexSaver({ save }, 10);
    saver.soon();
    await vi.advanceTimersByTimeAsync(10);
    saver.soon();
    await vi.advanceTimersByTimeAsync(10);
    expect(save).toHaveBeenCalledTimes(2);
  });
});
