import { describe, expect, it } from 'vitest';
import { buildLayers, runInOrder } from './build-order.ts';

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
