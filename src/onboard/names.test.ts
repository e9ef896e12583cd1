import { describe, expect, it } from 'vitest';
import { isResourceName, onboardDefaults, parseRegistryAddress, toResourceName } from './names.ts';

describe('names', () => {
  it('turns project names into DNS labels', () => {
    expect(toResourceName('@shop/Node_Hello')).toBe('node-hello');
    expect(toResourceName('github.com/acme/billing-api')).toBe('billing-api');
    expect(toResourceName('9lives')).toBe('app-9lives');
    expect(toResourceName('---')).toBe('app');
    expect(isResourceName(toResourceName('x'.repeat(80)))).toBe(true);
    expect(toResourceName('x'.repeat(80))).toHaveLength(63);
    expect(toResourceName(`${'a'.repeat(62)}-b`)).toBe('a'.repeat(62));
  });

  it('accepts only DNS-1123 labels as resource and cluster names', () => {
    for (const name of ['a', 'web', 'billing-api', 'a1', 'x'.repeat(63)]) expect(isResourceName(name), name).toBe(true);
    for (const name of ['', 'Web', '1web', 'web-', '-web', 'web_api', 'web.api', 'x'.repeat(64)])
      expect(isResourceName(name), name).toBe(false);
  });

  it('parses registry addresses with k3d defaults', () => {
    expect(parseRegistryAddress('k3d-registry.localhost:5000')).toEqual({ name: 'k3d-registry.localhost', port: 5000 });
    expect(parseRegistryAddress('myreg')).toEqual({ name: 'myreg', port: 5000 });
    expect(parseRegistryAddress('bad host:1')).toBeUndefined();
    expect(parseRegistryAddress('reg:70000')).toBeUndefined();
    expect(parseRegistryAddress('reg:0')).toBeUndefined();
    expect(parseRegistryAddress(' reg.localhost:5001 ')).toEqual({ name: 'reg.localhost', port: 5001 });
  });

  it('defaults to the registry k3d users know, and pinned base images', () => {
    expect(parseRegistryAddress(onboardDefaults.registry)).toEqual({ name: 'k3d-registry.localhost', port: 5000 });
    for (const image of [...Object.values(onboardDefaults.baseImages), onboardDefaults.goRuntimeImage]) {
      expect(image, image).toMatch(/:[^:]+$/);
      expect(image, image).not.toMatch(/:latest$/);
    }
  });
});
