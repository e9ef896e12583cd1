import { describe, expect, it } from 'vitest';
import { canTransition, isBusy, type Phase, transition } from './phase.ts';

const phases: Phase[] = ['idle', 'queued', 'syncing', 'building', 'delivering', 'deploying', 'rolling-out', 'ready', 'failed'];

describe('phase machine', () => {
  it('any phase may be queued again by a new change', () => {
    for (const from of phases) expect(canTransition(from, 'queued')).toBe(true);
  });

  it('moves only forward through an iteration, and may skip steps', () => {
    expect(canTransition('queued', 'deploying')).toBe(true);
    expect(canTransition('syncing', 'building')).toBe(true);
    expect(canTransition('rolling-out', 'ready')).toBe(true);
    expect(canTransition('deploying', 'building')).toBe(false);
    expect(canTransition('ready', 'building')).toBe(false);
    expect(canTransition('idle', 'ready')).toBe(false);
  });

  it('fails from any working phase and from ready (broken outside devloop), never from idle or failed', () => {
    for (const from of phases) expect(canTransition(from, 'failed')).toBe(from !== 'idle' && from !== 'failed');
  });

  it('throws on an illegal move, naming the resource', () => {
    expect(transition('api', 'queued', 'building')).toBe('building');
    expect(() => transition('api', 'failed', 'ready')).toThrow('illegal phase transition for api: failed → ready');
  });

  it('is busy only while an iteration works on it', () => {
    expect(phases.filter(isBusy)).toEqual(['queued', 'syncing', 'building', 'delivering', 'deploying', 'rolling-out']);
  });
});
