import { describe, expect, it } from 'vitest';
import { defaultPullPolicy, sameRepository } from './image-ref.ts';

describe('pull policies and repository matching', () => {
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
