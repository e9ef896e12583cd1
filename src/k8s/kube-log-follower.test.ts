import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { FakeKubeClient } from './fake-kube-client.ts';
import { KubeLogFollower } from './kube-log-follower.ts';
import type { KubeObject, Pod } from './kube-types.ts';
import type { LogLine } from './log-line.ts';
import { pod } from './pod-fixtures.test-support.ts';

const until = async (check: () => boolean, ms = 2000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};

const web: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'dev' },
  spec: { selector: { matchLabels: { app: 'web' } } },
};
const noSelector: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'bare' }, spec: {} };

function ready(name: string, createdAt: string, extra: Partial<Pod['metadata']> = {}): Pod {
  const p = pod({ name, ready: true, status: { ready: true, started: true, state: { running: { startedAt: createdAt } } } });
  return { ...p, metadata: { ...p.metadata, creationTimestamp: createdAt, ...extra }, status: { ...p.status, phase: 'Running' } };
}

function follower(client: FakeKubeClient, notices: string[]) {
  return new KubeLogFollower({
    client,
    config: {
      cluster: { namespace: 'dev' },
      resources: {
        web: { workload: { kind: 'Deployment', name: 'web' }, containers: {}, portForwards: [{ local: 0, remote: 80 }] },
        bare: { workload: { kind: 'Deployment', name: 'bare' }, containers: {}, portForwards: [{ local: 0, remote: 80 }] },
      },
    },
    objects: [web, noSelector],
    notice: (message) => notices.push(message),
  });
}

describe('KubeLogFollower', () => {
  it('attributes the lines of the resource’s pods to it, once however often it is asked', async () => {
    const client = new FakeKubeClient();
    client.setLog('web-1', 'app', [{ timestamp: '2026-11-23T10:00:00Z', text: 'listening on :80' }]);
    const lines: LogLine[] = [];
    const f = follower(client, []);
    f.follow('web', (line) => lines.push(line));
    f.follow('web', (line) => lines.push(line));
    client.put(ready('web-1', '2026-11-23T10:00:00Z'));
    await until(() => lines.length > 0);
    await new Promise((r) => setTimeout(r, 20));
    f.stopAll();
    expect(lines).toEqual([
      { resource: 'web', pod: 'web-1', container: 'app', timestamp: '2026-11-23T10:00:00Z', text: 'listening on :80', init: false },
    ]);
  });

  it('forwards to the newest ready pod of the resource, not one being deleted, and says where it listens', async () => {
    const client = new FakeKubeClient();
    const reached: string[] = [];
    client.forwardAnswer = async ({ socket, pod: target }) => {
      reached.push(target);
      socket.end(target);
    };
    client.put(ready('web-old', '2026-11-23T10:00:00Z'));
    client.put(ready('web-new', '2026-11-23T10:01:00Z'));
    client.put(ready('web-leaving', '2026-11-23T10:02:00Z', { deletionTimestamp: '2026-11-23T10:03:00Z' }));
    const notices: string[] = [];
    const f = follower(client, notices);
    f.follow('web', () => undefined);
    await until(() => notices.length > 0);
    const port = Number(/127\.0\.0\.1:(\d+) → 80$/.exec(notices[0] ?? '')?.[1]);
    expect(notices[0]).toMatch(/^web: forwarding http:\/\/127\.0\.0\.1:\d+ → 80$/);
    await new Promise((r) => setTimeout(r, 10));
    const answer = await new Promise<string>((resolve) => {
      const s = connect(port, '127.0.0.1');
      let text = '';
      s.on('data', (d) => (text += d));
      s.on('close', () => resolve(text));
    });
    f.stopAll();
    expect(answer).toBe('web-new');
    expect(reached).toEqual(['web-new']);
  });

  it('follows nothing for a workload that selects no pods', async () => {
    const client = new FakeKubeClient();
    const notices: string[] = [];
    follower(client, notices).follow('bare', () => undefined);
    follower(client, notices).follow('missing', () => undefined);
    await new Promise((r) => setTimeout(r, 10));
    expect(client.calls).toEqual([]);
    expect(notices).toEqual([]);
  });
});
