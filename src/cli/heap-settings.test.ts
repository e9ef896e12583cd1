import { describe, expect, it } from 'vitest';
import { heapFlagsToApply, loopHeapFlags } from './heap-settings.ts';

describe('heapFlagsToApply', () => {
  it('applies every loop heap flag by default', () => {
    expect(heapFlagsToApply('')).toEqual([...loopHeapFlags]);
  });

  it('leaves a flag the user set in NODE_OPTIONS or on the command line, with dashes or underscores', () => {
    expect(heapFlagsToApply('--heap-growing-percent=50')).toEqual(['--semi-space-growth-factor=1']);
    expect(heapFlagsToApply('--max-old-space-size=4096 --semi_space_growth_factor=2')).toEqual(['--heap-growing-percent=20']);
  });
});
