import { describe, expect, it } from 'vitest';
import { ArrivingImages } from './arriving-images.ts';
import type { Pod } from './kube-types.ts';
import { pod } from './pod-fixtures.test-support.ts';

const ref = 'k3d-registry.localhost:5000/web:devloop-2';
const pulling = (name: string, created: string, reason = 'ErrImagePull'): Pod => {
  const p = pod({ name, image: ref, status: { state: { waiting: { reason } } } });
  return { ...p, metadata: { ...p.metadata, creationTimestamp: created } };
};

describe('ArrivingImages', () => {
  it('excuses a failed pull while the image travels, then has each pod that tried too early deleted once', () => {
    let now = Date.parse('2026-12-02T10:00:05.500Z');
    const arriving = new ArrivingImages([ref], () => now);
    const early = pulling('early', '2026-12-02T10:00:05Z');
    expect(arriving.excuses(early, ref)).toBe(true);
    expect(arriving.toRetry([early])).toEqual([]); // still travelling: deleting it would only fail again
    arriving.landed(ref);
    expect(arriving.toRetry([early, pulling('backoff', '2026-12-02T10:00:04Z', 'ImagePullBackOff')]).map((p) => p.metadata.name)).toEqual([
      'early',
      'backoff',
    ]);
    expect(arriving.toRetry([early])).toEqual([]);
    expect(arriving.excuses(early, ref)).toBe(true);
    now += 10_000;
    expect(arriving.excuses(pulling('after', '2026-12-02T10:00:07Z'), ref)).toBe(false);
  });

  it('excuses nothing for other images, and leaves pods that pulled alone', () => {
    const arriving = new ArrivingImages([ref]);
    expect(arriving.excuses(pulling('other', '2026-12-02T10:00:05Z'), 'web:other')).toBe(false);
    arriving.landed(ref);
    const running = pod({ name: 'fine', image: ref, status: { state: { running: {} } } });
    expect(arriving.toRetry([running])).toEqual([]);
  });
});
