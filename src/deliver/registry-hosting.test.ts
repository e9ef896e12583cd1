import { describe, expect, it } from 'vitest';
import { parseLocalRegistryHosting } from './registry-hosting.ts';

describe('parseLocalRegistryHosting', () => {
  it('reads the KEP-1755 fields k3d writes', () => {
    const data = {
      'localRegistryHosting.v1':
        'host: "localhost:5000"\nhostFromContainerRuntime: "k3d-registry.localhost:5000"\nhostFromClusterNetwork: "k3d-registry.localhost:5000"\nhelp: "https://k3d.io/stable/usage/registries/#using-a-local-registry"\n',
    };
    expect(parseLocalRegistryHosting(data)).toEqual({
      host: 'localhost:5000',
      hostFromContainerRuntime: 'k3d-registry.localhost:5000',
      hostFromClusterNetwork: 'k3d-registry.localhost:5000',
      help: 'https://k3d.io/stable/usage/registries/#using-a-local-registry',
    });
  });

  it('ignores a missing key, broken YAML or an empty host', () => {
    expect(parseLocalRegistryHosting({})).toBeUndefined();
    expect(parseLocalRegistryHosting({ 'localRegistryHosting.v1': 'host: [unclosed' })).toBeUndefined();
    expect(parseLocalRegistryHosting({ 'localRegistryHosting.v1': 'help: only help' })).toBeUndefined();
    expect(parseLocalRegistryHosting({ 'localRegistryHosting.v1': '- a list' })).toBeUndefined();
  });
});
