import { describe, expect, it } from 'vitest';
import { deniedPath, describeSyncFailure } from './container-sync.ts';

describe('deniedPath', () => {
  it('reads the refused path from busybox and GNU tar and rm', () => {
    expect(deniedPath("tar: can't remove old file srv/index.html: Permission denied\n")).toBe('/srv/index.html');
    expect(deniedPath("tar: can't open 'etc/x.html': Permission denied\n")).toBe('/etc/x.html');
    expect(deniedPath("rm: can't remove '/srv/a.html': Permission denied")).toBe('/srv/a.html');
    expect(deniedPath('tar: srv/index.html: Cannot open: Permission denied\ntar: Exiting with failure status')).toBe('/srv/index.html');
    expect(deniedPath('tar: short read')).toBeUndefined();
  });
});

describe('describeSyncFailure', () => {
  const target = { namespace: 'n', pod: 'web-1', container: 'web' };
  it('names the owner, the user and the Dockerfile fix for a refused directory', () => {
    const d = describeSyncFailure({
      reason: 'sync-permission-denied',
      target,
      path: '/srv/index.html',
      directory: '/srv',
      owner: '0',
      user: '10001:10001',
    });
    expect(d.message).toBe('/srv is owned by root and the container runs as 10001, so /srv/index.html cannot be written (web-1/web)');
    expect(d.fix).toBe('in the Dockerfile: COPY --chown=10001:10001 …, or RUN chown -R 10001:10001 /srv');
  });
});
