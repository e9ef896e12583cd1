import { describe, expect, it } from 'vitest';
import { FakeKubeClient } from './fake-kube-client.ts';
import { KubeLogFollower } from './kube-log-follower.ts';
import type { LogLine } from './log-line.ts';
import { followedWorkloads, readyPod, until } from './pod-fixtures.test-support.ts';

describe('KubeLogFollower', () => {
  it('attributes the lines of the resource’s pods to it, once however often it is asked', async () => {
    const client = new FakeKubeClient();
    client.setLog('web-1', 'app', [{ timestamp: '2026-11-23T10:00:00Z', text: 'listening on :80' }]);
    const lines: LogLine[] = [];
    const f = new KubeLogFollower({ client, ...followedWorkloads });
    f.follow('web', (line) => lines.push(line));
    f.follow('web', (line) => lines.push(line));
    client.put(readyPod('web-1'));
    await until(() => lines.length > 0);
    await new Promise((r) => setTimeout(r, 20));
    f.stopAll();
    expect(lines).toEqual([
      { resource: 'web', pod: 'web-1', container: 'app', timestamp: '2026-11-23T10:00:00Z', text: 'listening on :80', init: false },
    ]);
  });

  it('follows nothing for a workload that selects no pods, or a resource it does not know', async () => {
    const client = new FakeKubeClient();
    const f = new KubeLogFollower({ client, ...followedWorkloads });
    f.follow('bare', () => undefined);
    f.follow('missing', () => undefined);
    await new Promise((r) => setTimeout(r, 10));
    expect(client.calls).toEqual([]);
  });
});
