import { describe, expect, it } from 'vitest';
import { isK3dClusterName, isK3dHostname } from './k3d-name.ts';

describe('k3d names', () => {
  it('accepts what k3d accepts as a cluster name', () => {
    for (const name of ['dev', 'devloop-test', 'Dev2', 'a.b', 'x', 'a'.repeat(32)]) expect(isK3dClusterName(name), name).toBe(true);
  });

  it('refuses flags, spaces, underscores, edge hyphens and names over 32 characters', () => {
    for (const name of ['--all', '-a', 'a_b', 'a b', '-dev', 'dev-', '', 'a..b', '.a', 'a'.repeat(33), 'dev;rm', 'dev\n'])
      expect(isK3dClusterName(name), JSON.stringify(name)).toBe(false);
  });

  it('applies the host-name rule without the length limit to registry names', () => {
    expect(isK3dHostname('k3d-registry.localhost')).toBe(true);
    expect(isK3dHostname(`k3d-${'r'.repeat(40)}.localhost`)).toBe(true);
    expect(isK3dHostname('--all')).toBe(false);
  });
});
