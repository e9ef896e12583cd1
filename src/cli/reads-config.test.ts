import { describe, expect, it } from 'vitest';
import { readsConfig } from './reads-config.ts';

describe('readsConfig', () => {
  it('is true for commands that load the config, past global options and their values', () => {
    expect(readsConfig(['config'])).toBe(true);
    expect(readsConfig(['-c', 'up', 'ci', '--output', 'json'])).toBe(true);
    expect(readsConfig(['--context', 'k3d-dev', 'up'])).toBe(true);
  });

  it('is false for help, the version, init and no command', () => {
    expect(readsConfig([])).toBe(false);
    expect(readsConfig(['--version'])).toBe(false);
    expect(readsConfig(['up', '--help'])).toBe(false);
    expect(readsConfig(['init', '--yes'])).toBe(false);
  });
});
