import { describe, expect, it } from 'vitest';
import { formatImageRef, imageName, normalizeImageRef, parseImageRef, refInRegistry } from './image-ref.ts';

describe('parseImageRef', () => {
  it('splits registry, repository, tag and digest by Docker rules', () => {
    expect(parseImageRef('busybox')).toEqual({ registry: undefined, repository: 'busybox', tag: undefined, digest: undefined });
    expect(parseImageRef('team/api:v1')).toEqual({ registry: undefined, repository: 'team/api', tag: 'v1', digest: undefined });
    expect(parseImageRef('localhost:5000/api:abc')).toEqual({
      registry: 'localhost:5000',
      repository: 'api',
      tag: 'abc',
      digest: undefined,
    });
    expect(parseImageRef('localhost/api')).toEqual({ registry: 'localhost', repository: 'api', tag: undefined, digest: undefined });
    expect(parseImageRef('k3d-registry.localhost:5000/a/b@sha256:00')).toEqual({
      registry: 'k3d-registry.localhost:5000',
      repository: 'a/b',
      tag: undefined,
      digest: 'sha256:00',
    });
  });

  it('formats back what it parsed', () => {
    for (const ref of ['busybox', 'team/api:v1', 'localhost:5000/api:abc', 'r.io/x/y:z@sha256:1'])
      expect(formatImageRef(parseImageRef(ref))).toBe(ref);
  });
});

describe('normalizeImageRef', () => {
  it('qualifies names the way containerd stores them', () => {
    expect(normalizeImageRef('api:dev')).toBe('docker.io/library/api:dev');
    expect(normalizeImageRef('team/api:dev')).toBe('docker.io/team/api:dev');
    expect(normalizeImageRef('busybox')).toBe('docker.io/library/busybox:latest');
    expect(normalizeImageRef('localhost:5000/api:1')).toBe('localhost:5000/api:1');
    expect(normalizeImageRef('docker.io/library/api:dev')).toBe('docker.io/library/api:dev');
  });
});

describe('refInRegistry', () => {
  it('joins host (with an optional path) and repository', () => {
    expect(refInRegistry('localhost:5000', 'api', 'abc')).toBe('localhost:5000/api:abc');
    expect(refInRegistry('ghcr.io/team/', 'api', 'abc')).toBe('ghcr.io/team/api:abc');
  });

  it('names an image without tag or digest', () => {
    expect(imageName('k3d-registry.localhost:5000/team/api:1.2@sha256:abc')).toBe('k3d-registry.localhost:5000/team/api');
    expect(imageName('team/api:dev')).toBe('team/api');
    expect(imageName('localhost/api')).toBe('localhost/api');
  });
});
