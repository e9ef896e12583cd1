import { describe, expect, it } from 'vitest';
import { FakeRunner } from '../system/fake-runner.ts';
import type { ImageDeliveryPlan } from './choose-delivery.ts';
import { FakeRegistryClient } from './fake-registry-client.ts';
import { parsePushOutput, pushImage } from './registry-push.ts';

const diff = (c: string) => `sha256:${c.repeat(64)}`;
const plan: ImageDeliveryPlan = {
  image: { name: 'api', localRef: 'api:3f9a', repository: 'api', tag: '3f9a' },
  mode: 'registry',
  pushRef: 'localhost:5000/api:3f9a',
  deployRef: 'k3d-registry.localhost:5000/api:3f9a',
  imagePullPolicy: 'IfNotPresent',
};
const pushOutput = [
  'The push refers to repository [localhost:5000/api]',
  `${'b'.repeat(12)}: Preparing`,
  `${'a'.repeat(12)}: Preparing`,
  `${'b'.repeat(12)}: Pushed`,
  `${'a'.repeat(12)}: Layer already exists`,
  `3f9a: digest: sha256:${'d'.repeat(64)} size: 739`,
].join('\n');

describe('parsePushOutput', () => {
  it('counts pushed and reused layers and reads the digest', () => {
    expect(parsePushOutput(`${pushOutput}\n${'c'.repeat(12)}: Mounted from team/base`)).toEqual({
      pushed: ['b'.repeat(12)],
      reused: ['a'.repeat(12), 'c'.repeat(12)],
      digest: `sha256:${'d'.repeat(64)}`,
    });
  });
});

describe('pushImage', () => {
  const pushedManifest = (registry: FakeRegistryClient) =>
    registry.put('localhost:5000', 'api', '3f9a', {
      digest: 'sha256:m',
      layers: [
        { digest: 'sha256:la', size: 1000 },
        { digest: 'sha256:lb', size: 234 },
      ],
      diffIds: [diff('a'), diff('b')],
    });

  it('pushes the registry tag the build gave, one docker process, reporting the bytes of the layers that travelled', async () => {
    const registry = new FakeRegistryClient();
    const runner = new FakeRunner().on('docker push', () => {
      pushedManifest(registry);
      return { stdout: pushOutput };
    });
    const lines: string[] = [];
    const result = await pushImage({ runner, registry, plan, pushHost: 'localhost:5000', onLine: (l) => lines.push(l) });
    expect(result).toEqual({
      ok: true,
      value: { kind: 'pushed', digest: `sha256:${'d'.repeat(64)}`, layersPushed: 1, layersReused: 1, bytesPushed: 234 },
    });
    expect(runner.calls.map((c) => [c.command, ...c.args].join(' '))).toEqual(['docker push localhost:5000/api:3f9a']);
    expect(lines).toContain(`${'b'.repeat(12)}: Pushed`);
  });

  it('tags an image built without its registry name, then pushes', async () => {
    const registry = new FakeRegistryClient();
    let tagged = false;
    const runner = new FakeRunner()
      .on('docker tag', () => {
        tagged = true;
        return {};
      })
      .on('docker push', () => {
        if (!tagged) return { exitCode: 1, stderr: 'An image does not exist locally with the tag: localhost:5000/api' };
        pushedManifest(registry);
        return { stdout: pushOutput };
      });
    const result = await pushImage({ runner, registry, plan, pushHost: 'localhost:5000' });
    expect(result.ok && result.value.kind).toBe('pushed');
    expect(runner.calls.map((c) => [c.command, ...c.args].join(' '))).toEqual([
      'docker push localhost:5000/api:3f9a',
      'docker tag api:3f9a localhost:5000/api:3f9a',
      'docker push localhost:5000/api:3f9a',
    ]);
  });

  it('skips when the registry already has the tag, without running docker', async () => {
    const registry = new FakeRegistryClient().put('localhost:5000', 'api', '3f9a');
    const runner = new FakeRunner();
    const result = await pushImage({ runner, registry, plan, pushHost: 'localhost:5000' });
    expect(result).toEqual({
      ok: true,
      value: { kind: 'skipped', why: 'registry already has localhost:5000/api:3f9a', digest: 'sha256:fake' },
    });
    expect(runner.calls).toEqual([]);
  });

  it('reports a missing local image and a failed push', async () => {
    const registry = new FakeRegistryClient();
    const missing = new FakeRunner()
      .on('docker push', { exitCode: 1, stderr: 'An image does not exist locally with the tag: localhost:5000/api' })
      .on('docker tag', { exitCode: 1, stderr: 'Error: No such image: api:3f9a' });
    expect(await pushImage({ runner: missing, registry, plan, pushHost: 'localhost:5000' })).toEqual({
      ok: false,
      error: { reason: 'image-missing', image: 'api:3f9a', detail: 'Error: No such image: api:3f9a' },
    });
    const failing = new FakeRunner().on('docker push', { exitCode: 1, stderr: 'Get "https://localhost:5000/v2/": connection refused' });
    const result = await pushImage({ runner: failing, registry, plan, pushHost: 'localhost:5000' });
    expect(!result.ok && result.error.reason).toBe('push-failed');
  });

  it('turns an unresolvable registry into a fix naming localhost', async () => {
    const registry = new FakeRegistryClient();
    registry.failure = { reason: 'registry-name-unresolvable', host: 'k3d-registry.localhost:5000' };
    const result = await pushImage({ runner: new FakeRunner(), registry, plan, pushHost: 'k3d-registry.localhost:5000' });
    expect(result).toEqual({
      ok: false,
      error: { reason: 'registry-name-unresolvable', host: 'k3d-registry.localhost:5000', suggestion: 'localhost:5000' },
    });
  });
});
