import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { FakeKubeClient } from './fake-kube-client.ts';
import { followedWorkloads, readyPod, until } from './pod-fixtures.test-support.ts';
import { ResourceForwards } from './resource-forwards.ts';

describe('ResourceForwards', () => {
  it('forwards to the newest ready pod of the resource, not one being deleted, and says where it listens', async () => {
    const client = new FakeKubeClient();
    const reached: string[] = [];
    client.forwardAnswer = async ({ socket, pod: target }) => {
      reached.push(target);
      socket.end(target);
    };
    client.put(readyPod('web-old', '2026-11-23T10:00:00Z'));
    client.put(readyPod('web-new', '2026-11-23T10:01:00Z'));
    client.put(readyPod('web-leaving', '2026-11-23T10:02:00Z', { deletionTimestamp: '2026-11-23T10:03:00Z' }));
    const notices: string[] = [];
    const forwards = new ResourceForwards({ client, ...followedWorkloads, notice: (m) => notices.push(m) });
    forwards.open('web');
    forwards.open('web');
    await until(() => notices.length > 0);
    expect(notices).toEqual([expect.stringMatching(/^web: forwarding http:\/\/127\.0\.0\.1:\d+ → 80$/)]);
    const port = Number(/127\.0\.0\.1:(\d+) → 80$/.exec(notices[0] ?? '')?.[1]);
    await new Promise((r) => setTimeout(r, 10));
    const answer = await new Promise<string>((resolve) => {
      const s = connect(port, '127.0.0.1');
      let text = '';
      s.on('data', (d) => (text += d));
      s.on('close', () => resolve(text));
    });
    forwards.stopAll();
    expect(answer).toBe('web-new');
    expect(reached).toEqual(['web-new']);
  });

  it('says why a forward cannot listen', async () => {
    const client = new FakeKubeClient();
    const notices: string[] = [];
    const first = new ResourceForwards({ client, ...followedWorkloads, notice: (m) => notices.push(m) });
    first.open('web');
    await until(() => notices.length === 1);
    const port = Number(/127\.0\.0\.1:(\d+) →/.exec(notices[0] ?? '')?.[1]);
    const taken = {
      ...followedWorkloads,
      config: {
        ...followedWorkloads.config,
        resources: { web: { ...followedWorkloads.config.resources.web, portForwards: [{ local: port, remote: 80 }] } },
      },
    };
    const second = new ResourceForwards({ client, ...taken, notice: (m) => notices.push(m) });
    second.open('web');
    await until(() => notices.length === 2);
    first.stopAll();
    second.stopAll();
    expect(notices[1]).toMatch(new RegExp(`^web: cannot listen on 127\\.0\\.0\\.1:${port}: EADDRINUSE`));
  });
});
