import { describe, expect, it } from 'vitest';
import { deniedPath, describeSyncFailure, runInContainer, syncIntoContainer } from './container-sync.ts';
import { FakeKubeClient } from './fake-kube-client.ts';

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

describe('syncIntoContainer and runInContainer', () => {
  const target = { namespace: 'n', pod: 'web-1', container: 'web' };
  const archive = new Uint8Array(1024);

  it('deletes, then extracts, and names each failure', async () => {
    const client = new FakeKubeClient();
    expect(await syncIntoContainer(client, target, { archive, deletions: ['/srv/old.html'] })).toEqual({ ok: true, value: undefined });
    expect(client.calls.map((c) => (c.args as { command: string[] }).command)).toEqual([
      ['rm', '-rf', '--', '/srv/old.html'],
      ['tar', '-x', '-C', '/', '-f', '-'],
    ]);

    client.execAnswer = () => ({
      exitCode: 1,
      stdout: '',
      stderr: '',
      message:
        'OCI runtime exec failed: exec failed: unable to start container process: exec: "tar": executable file not found in $PATH: unknown',
    });
    expect(await syncIntoContainer(client, target, { archive, deletions: [] })).toMatchObject({
      ok: false,
      error: { reason: 'sync-no-tar' },
    });

    client.execAnswer = (r) =>
      r.command[0] === 'tar'
        ? { exitCode: 1, stdout: '', stderr: "tar: can't remove old file srv/index.html: Permission denied\n" }
        : r.command[0] === 'ls'
          ? { exitCode: 0, stdout: 'drwxr-xr-x    2 0        0             4096 Dec  2 07:00 /srv\n', stderr: '' }
          : { exitCode: 0, stdout: '10001\n', stderr: '' };
    expect(await syncIntoContainer(client, target, { archive, deletions: [] })).toMatchObject({
      ok: false,
      error: { reason: 'sync-permission-denied', directory: '/srv', owner: '0', user: '10001:10001' },
    });

    client.failNext('exec', { reason: 'kube-not-found', message: 'pods "web-1" not found' });
    expect(await syncIntoContainer(client, target, { archive, deletions: [] })).toMatchObject({
      ok: false,
      error: { reason: 'sync-pod-gone' },
    });
  });

  it('a run step that exits non-zero is run-failed with its output', async () => {
    const client = new FakeKubeClient();
    client.execAnswer = () => ({ exitCode: 2, stdout: '', stderr: 'kill: no such process\n' });
    const r = await runInContainer(client, target, ['sh', '-c', 'kill -HUP 1']);
    expect(r).toMatchObject({ ok: false, error: { reason: 'run-failed', exitCode: 2, output: 'kill: no such process' } });
    if (!r.ok)
      expect(describeSyncFailure(r.error).message).toBe('run step `sh -c kill -HUP 1` exited with 2 in web-1/web: kill: no such process');
  });
});
