import { describe, expect, it } from 'vitest';
import { FakeRunner } from '../system/fake-runner.ts';
import { DockerExecNodeImageLister, nodeHasImage, parseCrictlImages } from './node-image-lister.ts';

describe('DockerExecNodeImageLister', () => {
  it('runs crictl inside the node container and reads refs and ids', async () => {
    const runner = new FakeRunner().on('docker exec', {
      stdout: JSON.stringify({
        images: [
          { id: 'sha256:abc', repoTags: ['docker.io/library/api:3f9a'], repoDigests: [], size: '1' },
          { id: 'sha256:p', repoTags: null },
        ],
      }),
    });
    const listed = await new DockerExecNodeImageLister({ runner }).listImages('k3d-dev-server-0');
    expect(listed).toEqual({ ok: true, value: [{ ref: 'docker.io/library/api:3f9a', id: 'sha256:abc' }] });
    expect(runner.calls[0]?.args).toEqual(['exec', 'k3d-dev-server-0', 'crictl', 'images', '-o', 'json']);
    expect(nodeHasImage(listed.ok ? listed.value : [], 'api:3f9a', 'sha256:abc')).toBe(true);
    expect(nodeHasImage(listed.ok ? listed.value : [], 'api:3f9a', 'sha256:other')).toBe(false);
  });

  it('fails with the error text when the node is down', async () => {
    const runner = new FakeRunner().on('docker exec', { exitCode: 1, stderr: 'Error response from daemon: container is not running' });
    expect(await new DockerExecNodeImageLister({ runner }).listImages('n')).toEqual({
      ok: false,
      error: 'Error response from daemon: container is not running',
    });
    expect(parseCrictlImages('nope').ok).toBe(false);
  });
});
