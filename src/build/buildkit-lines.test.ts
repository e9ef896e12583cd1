import { describe, expect, it } from 'vitest';
import { buildkitProgressParser } from './build-output.ts';
import { BuildkitLines } from './buildkit-lines.ts';
import { encodeStatus } from './buildkit-status.test-support.ts';
import { decodeStatus } from './buildkit-status.ts';

const t0 = Date.parse('2026-12-02T10:00:00Z');

describe('decodeStatus and BuildkitLines', () => {
  it('reads vertices and logs from BuildKit’s protobuf and prints them as buildx --progress=plain does', () => {
    const lines = new BuildkitLines();
    const push = (status: Parameters<typeof encodeStatus>[0]) => lines.push(decodeStatus(encodeStatus(status)));
    expect(push({ vertexes: [{ digest: 'sha256:a', name: '[1/3] FROM docker.io/library/busybox:1.36' }] })).toEqual([]);
    expect(
      push({ vertexes: [{ digest: 'sha256:a', name: '[1/3] FROM docker.io/library/busybox:1.36', started: t0, completed: t0 }] }),
    ).toEqual(['#1 [1/3] FROM docker.io/library/busybox:1.36', '#1 DONE 0.0s']);
    expect(push({ vertexes: [{ digest: 'sha256:b', name: '[2/3] WORKDIR /srv', cached: true, started: t0, completed: t0 }] })).toEqual([
      '#2 [2/3] WORKDIR /srv',
      '#2 CACHED',
    ]);
    expect(push({ vertexes: [{ digest: 'sha256:c', name: '[3/3] RUN make', started: t0 + 100 }] })).toEqual(['#3 [3/3] RUN make']);
    expect(push({ logs: [{ vertex: 'sha256:c', timestamp: t0 + 350, data: Buffer.from('compiling\nlinking') }] })).toEqual([
      '#3 0.250 compiling',
    ]);
    expect(push({ vertexes: [{ digest: 'sha256:c', name: '[3/3] RUN make', started: t0 + 100, error: 'exit code: 2' }] })).toEqual([
      '#3 linking',
      '#3 ERROR: exit code: 2',
    ]);
  });

  it('gives the progress parser the steps, their cache hits and the steps that ran', () => {
    const parser = buildkitProgressParser((_stage, step) => step);
    const lines = new BuildkitLines().push(
      decodeStatus(
        encodeStatus({
          vertexes: [
            { digest: 'sha256:b', name: '[2/3] WORKDIR /srv', cached: true, started: t0, completed: t0 },
            { digest: 'sha256:c', name: '[3/3] COPY site/ /srv/', started: t0, completed: t0 + 1200 },
          ],
        }),
      ),
    );
    expect(lines.flatMap((l) => parser.push(l))).toEqual([
      { kind: 'step', index: 2, total: undefined, text: 'WORKDIR /srv' },
      { kind: 'cached', index: 2 },
      { kind: 'step', index: 3, total: undefined, text: 'COPY site/ /srv/' },
      { kind: 'executed', index: 3 },
    ]);
    expect(lines).toEqual(['#1 [2/3] WORKDIR /srv', '#1 CACHED', '#2 [3/3] COPY site/ /srv/', '#2 DONE 1.2s']);
  });

  it('refuses bytes that are not protobuf', () => {
    expect(() => decodeStatus(Uint8Array.from([0x0a, 0x05, 0x01]))).toThrow(/truncated/);
  });
});
