import { describe, expect, it } from 'vitest';
import { FakeRunner } from '../system/fake-runner.ts';
import type { ImageDeliveryPlan } from './choose-delivery.ts';
import { importImage } from './cluster-import.ts';
import { FakeNodeImageLister } from './fake-node-image-lister.ts';

const plan: ImageDeliveryPlan = {
  image: { name: 'api', localRef: 'api:3f9a', repository: 'api', tag: '3f9a' },
  mode: 'import',
  pushRef: undefined,
  deployRef: 'api:3f9a',
  imagePullPolicy: 'IfNotPresent',
};
const nodes = ['k3d-dev-server-0', 'k3d-dev-agent-0'];
const inspect = { stdout: 'sha256:abc 4200000' };

describe('importImage', () => {
  it('imports with -m direct and verifies every node has the image', async () => {
    const lister = new FakeNodeImageLister();
    const runner = new FakeRunner().on('docker image', inspect).on('k3d image', () => {
      lister.add('docker.io/library/api:3f9a', nodes, 'sha256:abc');
      return { stdout: 'INFO[0001] Successfully imported 1 image(s) into 1 cluster(s)' };
    });
    const result = await importImage({ runner, lister, plan, cluster: 'dev', nodes });
    expect(result).toEqual({ ok: true, value: { kind: 'imported', nodes, bytes: 4200000 } });
    expect(runner.calls[1]?.args).toEqual(['image', 'import', '--mode=direct', '--cluster=dev', '--', 'api:3f9a']);
  });

  it('imports again when k3d says its stream into the node broke, at most twice more', async () => {
    const broken = 'ERRO[0000] Failed to copy read stream. write unix @->/var/run/docker.sock: use of closed network connection';
    const lister = new FakeNodeImageLister();
    let attempts = 0;
    const runner = new FakeRunner().on('docker image', inspect).on('k3d image', () => {
      attempts++;
      if (attempts < 3) return { exitCode: 1, stderr: broken };
      lister.add('api:3f9a', nodes, 'sha256:abc');
      return {};
    });
    const lines: string[] = [];
    const result = await importImage({ runner, lister, plan, cluster: 'dev', nodes, onLine: (line) => lines.push(line) });
    expect(result.ok && result.value.kind).toBe('imported');
    expect(lines.filter((line) => line.includes('importing again'))).toHaveLength(2);

    attempts = -10;
    const failed = await importImage({ runner, lister: new FakeNodeImageLister(), plan, cluster: 'dev', nodes });
    expect(!failed.ok && failed.error.reason).toBe('import-failed');
    expect(attempts).toBe(-7);
  });

  it('does not retry other import failures', async () => {
    const runner = new FakeRunner().on('docker image', inspect).on('k3d image', { exitCode: 1, stderr: 'cluster dev not found' });
    const result = await importImage({ runner, lister: new FakeNodeImageLister(), plan, cluster: 'dev', nodes });
    expect(!result.ok && result.error.reason).toBe('import-failed');
    expect(runner.calls.filter((call) => call.command === 'k3d')).toHaveLength(1);
  });

  it('skips when every node already has the same image', async () => {
    const lister = new FakeNodeImageLister().add('api:3f9a', nodes, 'sha256:abc');
    const runner = new FakeRunner().on('docker image', inspect);
    const result = await importImage({ runner, lister, plan, cluster: 'dev', nodes });
    expect(result).toEqual({ ok: true, value: { kind: 'skipped', why: 'every node has api:3f9a', nodes } });
    expect(runner.calls.some((c) => c.command === 'k3d')).toBe(false);
  });

  it('imports again when a node has the tag for a different image id', async () => {
    const lister = new FakeNodeImageLister().add('api:3f9a', nodes, 'sha256:old');
    const runner = new FakeRunner().on('docker image', inspect).on('k3d image', () => {
      lister.images.clear();
      lister.add('api:3f9a', nodes, 'sha256:abc');
      return {};
    });
    const result = await importImage({ runner, lister, plan, cluster: 'dev', nodes });
    expect(result.ok && result.value.kind).toBe('imported');
  });

  it('names the nodes an import missed', async () => {
    const lister = new FakeNodeImageLister();
    const runner = new FakeRunner().on('docker image', inspect).on('k3d image', () => {
      lister.add('api:3f9a', ['k3d-dev-server-0'], 'sha256:abc');
      return {};
    });
    expect(await importImage({ runner, lister, plan, cluster: 'dev', nodes })).toEqual({
      ok: false,
      error: {
        reason: 'import-partial',
        image: 'api:3f9a',
        cluster: 'dev',
        missingOn: ['k3d-dev-agent-0'],
        presentOn: ['k3d-dev-server-0'],
      },
    });
  });

  it('reports k3d missing, a failed import, and an unreadable node', async () => {
    const lister = new FakeNodeImageLister();
    const noK3d = new FakeRunner().on('docker image', inspect);
    expect(await importImage({ runner: noK3d, lister, plan, cluster: 'dev', nodes })).toEqual({
      ok: false,
      error: { reason: 'k3d-not-installed' },
    });
    const failing = new FakeRunner().on('docker image', inspect).on('k3d image', { exitCode: 1, stderr: 'FATA cluster not found' });
    expect(await importImage({ runner: failing, lister, plan, cluster: 'dev', nodes })).toEqual({
      ok: false,
      error: { reason: 'import-failed', image: 'api:3f9a', cluster: 'dev', detail: 'FATA cluster not found' },
    });
    lister.broken.add('k3d-dev-agent-0');
    const result = await importImage({ runner: failing, lister, plan, cluster: 'dev', nodes });
    expect(!result.ok && result.error).toEqual({
      reason: 'node-unreadable',
      node: 'k3d-dev-agent-0',
      detail: 'node k3d-dev-agent-0 is not running',
    });
  });
});
