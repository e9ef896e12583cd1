import { describe, expect, it } from 'vitest';
import { defaultPullPolicy, parseImageRef, sameRepository } from './image-ref.ts';

describe('image references', () => {
  it('splits registry, path, tag and digest', () => {
    expect(parseImageRef('k3d-registry.localhost:5000/team/api:1.2@sha256:abc')).toEqual({
      repository: 'k3d-registry.localhost:5000/team/api',
      path: 'team/api',
      registry: 'k3d-registry.localhost:5000',
      tag: '1.2',
      digest: 'sha256:abc',
    });
    expect(parseImageRef('api')).toMatchObject({ repository: 'api', path: 'api', registry: undefined, tag: undefined });
    expect(parseImageRef('localhost/api:dev')).toMatchObject({ registry: 'localhost', path: 'api', tag: 'dev' });
    expect(parseImageRef('team/api:dev')).toMatchObject({ registry: undefined, path: 'team/api' });
  });

  it('predicts the default pull policy', () => {
    expect(defaultPullPolicy('api')).toBe('Always');
    expect(defaultPullPolicy('api:latest')).toBe('Always');
    expect(defaultPullPolicy('api:dev')).toBe('IfNotPresent');
    expect(defaultPullPolicy('api@sha256:abc')).toBe('IfNotPresent');
  });

  it('matches repositories with or without a registry', () => {
    expect(sameRepository('api:1', 'api')).toBe(true);
    expect(sameRepository('k3d-registry.localhost:5000/api:1', 'api')).toBe(true);
    expect(sameRepository('apis:1', 'api')).toBe(false);
  });
});
