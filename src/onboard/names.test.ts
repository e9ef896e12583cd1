import { describe, expect, it } from 'vitest';
import { isResourceName, parseRegistryAddress, toResourceName } from './names.ts';

describe('names', () => {
  it('turns project names into DNS labels', () => {
    expect(toResourceName('@shop/Node_Hello')).toBe('node-hello');
    expect(toResourceName('github.com/acme/billing-api')).toBe('billing-api');
    expect(toResourceName('9lives')).toBe('app-9lives');
    expect(toResourceName('---')).toBe('app');
    expect(isResourceName(toResourceName('x'.repeat(80)))).toBe(true);
  });

  it('parses registry addresses with k3d defaults', () => {
    expect(parseRegistryAddress('k3d-registry.localhost:5000')).toEqual({ name: 'k3d-registry.localhost', port: 5000 });
    expect(parseRegistryAddress('myreg')).toEqual({ name: 'myreg', port: 5000 });
    expect(parseRegistryAddress('bad host:1')).toBeUndefined();
    expect(parseRegistryAddress('reg:70000')).toBeUndefined();
  });
});
