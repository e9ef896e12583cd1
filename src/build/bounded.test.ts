import { describe, expect, it } from 'vitest';
import { boundedConcurrency, forEachBounded } from './bounded.ts';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('boundedConcurrency', () => {
  it('runs at most `limit` tasks at once, every task, in order of arrival', async () => {
    const limit = boundedConcurrency(3);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        limit(async () => {
          started.push(i);
          running++;
          peak = Math.max(peak, running);
          await tick();
          running--;
          return i * 2;
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(started).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
  });

  it('frees the slot of a failed task', async () => {
    const limit = boundedConcurrency(1);
    await expect(limit(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await limit(async () => 'next')).toBe('next');
  });
});

describe('forEachBounded', () => {
  it('visits every item with at most `limit` in flight, also when nested', async () => {
    let running = 0;
    let peak = 0;
    const seen: string[] = [];
    await forEachBounded(['a', 'b', 'c'], 2, async (outer) => {
      await forEachBounded([1, 2, 3, 4], 2, async (inner) => {
        running++;
        peak = Math.max(peak, running);
        await tick();
        seen.push(`${outer}${inner}`);
        running--;
      });
    });
    expect(seen.sort()).toEqual(['a1', 'a2', 'a3', 'a4', 'b1', 'b2', 'b3', 'b4', 'c1', 'c2', 'c3', 'c4']);
    expect(peak).toBe(4);
    await forEachBounded([], 4, async () => {
      throw new Error('never called');
    });
  });
});
