import { describe, expect, it } from 'vitest';
import { buildLayers, nextImages, runInOrder } from './build-order.ts';

describe('buildLayers', () => {
  it('orders bases before dependents, independents together', () => {
    const r = buildLayers({ api: ['base'], web: ['base'], base: [], tools: [], worker: ['api', 'unknown'] });
    expect(r).toEqual({ ok: true, value: [['base', 'tools'], ['api', 'web'], ['worker']] });
  });

  it('reports a cycle', () => {
    const r = buildLayers({ a: ['b'], b: ['c'], c: ['a'] });
    expect(r).toEqual({ ok: false, error: { reason: 'dependency-cycle', cycle: ['a', 'b', 'c', 'a'] } });
  });
});

describe('runInOrder', () => {
  it('runs independents in parallel up to the limit and dependents after their base', async () => {
    const log: string[] = [];
    let active = 0;
    let peak = 0;
    const outcome = await runInOrder({
      dependencies: { base: [], api: ['base'], web: ['base'], tools: [], docs: [] },
      images: ['base', 'api', 'web', 'tools', 'docs'],
      concurrency: 2,
      run: async (n) => {
        active++;
        peak = Math.max(peak, active);
        log.push(`start ${n}`);
        await new Promise((r) => setTimeout(r, 5));
        log.push(`end ${n}`);
        active--;
        return true;
      },
    });
    expect(peak).toBe(2);
    expect(log.indexOf('start api')).toBeGreaterThan(log.indexOf('end base'));
    expect(log.indexOf('start web')).toBeGreaterThan(log.indexOf('end base'));
    expect([...outcome.values()].every((o) => o === 'done')).toBe(true);
  });

  it('skips dependents of a failed image', async () => {
    const outcome = await runInOrder({
      dependencies: { base: [], api: ['base'], tools: [] },
      images: ['base', 'api', 'tools'],
      concurrency: 4,
      run: async (n) => n !== 'base',
    });
    expect(Object.fromEntries(outcome)).toEqual({ base: 'failed', api: 'skipped', tools: 'done' });
  });
});

describe('nextImages', () => {
  const dependencies = { base: [], api: ['base'], web: ['base'], tools: [] };
  const images = ['base', 'api', 'web', 'tools'];

  it('starts what has no pending dependency, up to the slots, and says why the rest waits', () => {
    const next = nextImages({ dependencies, images, progress: new Map(), concurrency: 1 });
    expect(next.start).toEqual(['base']);
    expect(Object.fromEntries(next.waiting)).toEqual({
      api: { kind: 'dependency', on: 'base' },
      web: { kind: 'dependency', on: 'base' },
      tools: { kind: 'build-slot' },
    });
    expect(next.settled).toBe(false);
  });

  it('lets images that take no slot through while the slots are busy', () => {
    const next = nextImages({
      dependencies,
      images,
      progress: new Map([['base', 'done']]),
      concurrency: 1,
      takesSlot: (n) => n !== 'web',
    });
    expect(next.start).toEqual(['api', 'web']);
    expect(Object.fromEntries(next.waiting)).toEqual({ tools: { kind: 'build-slot' } });
  });

  it('skips a whole chain below a failure in one answer, and settles', () => {
    const next = nextImages({
      dependencies: { ...dependencies, worker: ['api'] },
      images: [...images, 'worker'],
      progress: new Map([
        ['base', 'failed'],
        ['tools', 'done'],
      ]),
      concurrency: 2,
    });
    expect([...next.skip].sort()).toEqual(['api', 'web', 'worker']);
    expect(next.start).toEqual([]);
    expect(next.settled).toBe(true);
  });

  it('skips images waiting on a cycle once nothing else can run', () => {
    const next = nextImages({ dependencies: { a: ['b'], b: ['a'] }, images: ['a', 'b'], progress: new Map(), concurrency: 2 });
    expect([...next.skip].sort()).toEqual(['a', 'b']);
    expect(next.settled).toBe(true);
  });
});
