import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ArrivingImages } from './arriving-images.ts';
import { FakeKubeClient } from './fake-kube-client.ts';
import { applyObjects, MANAGED_BY_LABEL, PROJECT_LABEL, projectId, teardown } from './inventory.ts';
import type { Pod } from './kube-types.ts';
import type { LogLine } from './log-line.ts';
import { LogStreamer } from './log-streamer.ts';
import { deployment, pod, replicaSet, until } from './pod-fixtures.test-support.ts';
import { PortForwarder } from './port-forwarder.ts';
import { followRollout } from './rollout-watcher.ts';

describe('applyObjects and teardown', () => {
  it('deletes what was applied and leaves what is not ours', async () => {
    const client = new FakeKubeClient();
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'dev' }, data: {} };
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dev' } };
    const applied = await applyObjects(client, { rootDir: '/p', namespace: 'dev', objects: [cm, ns] });
    expect(applied.ok && applied.value.applied.map((r) => r.kind)).toEqual(['Namespace', 'ConfigMap']);
    const stored = client.objects().find((o) => o.metadata.name === 'cfg');
    expect(stored?.metadata.labels).toMatchObject({ [MANAGED_BY_LABEL]: 'devloop', [PROJECT_LABEL]: projectId('/p') });
    client.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'theirs', namespace: 'dev' } });
    const down = await teardown(client, { rootDir: '/p', namespace: 'dev' });
    expect(down.ok && down.value.deleted.map((r) => r.name)).toEqual(['cfg', 'dev']);
    expect(client.objects().map((o) => o.metadata.name)).toEqual(['theirs']);
  });

  it('leaves an inventoried object that lost the project label', async () => {
    const client = new FakeKubeClient();
    await applyObjects(client, {
      rootDir: '/p',
      namespace: 'dev',
      objects: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'dev' } }],
    });
    client.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'dev' } });
    const down = await teardown(client, { rootDir: '/p', namespace: 'dev' });
    expect(down.ok && down.value.skipped.map((r) => r.name)).toEqual(['cfg']);
  });
});

describe('followRollout', () => {
  it('resolves ready from watch events', async () => {
    const client = new FakeKubeClient();
    client.put(deployment({ observed: 1, updated: 0, available: 0 }));
    const statuses: string[] = [];
    const done = followRollout({ client, namespace: 'dev', name: 'web', onStatus: (s) => statuses.push(s.state) });
    await new Promise((r) => setTimeout(r, 10));
    client.put(replicaSet('web-7d4b9c', '2'));
    client.put(pod({ ready: true, status: { ready: true, state: { running: {} } } }));
    client.put(deployment());
    expect(await done).toEqual({ state: 'ready', pods: ['web-7d4b9c-x2x9z'] });
    expect(statuses).toEqual(['waiting', 'ready']);
  });

  it('without a readiness probe, waits until the new pod has stayed ready; one that exits meanwhile is not ready', async () => {
    const client = new FakeKubeClient();
    client.put(deployment({ observed: 1, updated: 0, available: 0 }));
    const statuses: string[] = [];
    let outcome: unknown;
    const done = followRollout({ client, namespace: 'dev', name: 'web', settleMs: 200, onStatus: (s) => statuses.push(s.state) });
    void done.then((o) => {
      outcome = o;
    });
    await new Promise((r) => setTimeout(r, 10));
    client.put(replicaSet('web-7d4b9c', '2'));
    client.put(pod({ ready: true, status: { ready: true, state: { running: {} } } }));
    client.put(deployment());
    await new Promise((r) => setTimeout(r, 50));
    expect(outcome).toBeUndefined();
    // The process exits: the pod is no longer ready, and the Deployment no longer available.
    client.put(pod({ ready: false, status: { ready: false, restartCount: 1, state: { running: {} } } }));
    client.put(deployment({ available: 0 }));
    await new Promise((r) => setTimeout(r, 300));
    expect(outcome).toBeUndefined();
    expect(statuses).not.toContain('ready');
    // It starts again and stays up: ready once it has stayed so for the settle time.
    client.put(pod({ ready: true, status: { ready: true, restartCount: 1, state: { running: {} } } }));
    client.put(deployment());
    expect(await done).toEqual({ state: 'ready', pods: ['web-7d4b9c-x2x9z'] });
    expect(statuses.at(-1)).toBe('ready');
  });

  it('excuses a pull of an image still being pushed, and replaces the pod that tried too early once it landed', async () => {
    const client = new FakeKubeClient();
    const ref = 'k3d-registry.localhost:5000/web:devloop-1';
    client.put(deployment({ observed: 1, updated: 0, available: 0 }));
    client.put(replicaSet('web-7d4b9c', '2'));
    const early = pod({ name: 'web-7d4b9c-early', status: { state: { waiting: { reason: 'ErrImagePull', message: 'not found' } } } });
    client.put({ ...early, metadata: { ...early.metadata, creationTimestamp: new Date(Date.now() - 1000).toISOString() } });
    const images = new ArrivingImages([ref]);
    let changed = () => {};
    let outcome: unknown;
    const done = followRollout({
      client,
      namespace: 'dev',
      name: 'web',
      arriving: { images, onLanded: (c) => (changed = c) },
    });
    void done.then((o) => {
      outcome = o;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(outcome).toBeUndefined(); // not "image not found": it is on its way
    images.landed(ref);
    changed();
    await until(() => !client.objects().some((o) => o.metadata.name === 'web-7d4b9c-early'));
    client.put(pod({ name: 'web-7d4b9c-again', ready: true, status: { ready: true, state: { running: {} } } }));
    client.put(deployment());
    expect(await done).toEqual({ state: 'ready', pods: ['web-7d4b9c-again'] });
  });

  it('with a readiness probe, Ready is the answer at once', async () => {
    const client = new FakeKubeClient();
    client.put(replicaSet('web-7d4b9c', '2'));
    client.put(pod({ ready: true, readinessProbe: { httpGet: { port: 8080 } }, status: { ready: true, state: { running: {} } } }));
    client.put(deployment());
    const started = Date.now();
    expect(await followRollout({ client, namespace: 'dev', name: 'web', settleMs: 5_000 })).toMatchObject({ state: 'ready' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('fails on a crash loop with the last lines of the previous run', async () => {
    const client = new FakeKubeClient();
    client.put(deployment({ updated: 1, available: 0 }));
    client.put(replicaSet('web-7d4b9c', '2'));
    client.setLog('web-7d4b9c-x2x9z', 'app', [
      { timestamp: '2026-11-23T10:00:00Z', text: 'starting' },
      { timestamp: '2026-11-23T10:00:01Z', text: 'panic: no DATABASE_URL' },
    ]);
    const done = followRollout({ client, namespace: 'dev', name: 'web' });
    client.put(
      pod({ status: { restartCount: 1, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 2 } } } }),
    );
    const outcome = await done;
    expect(outcome).toMatchObject({
      state: 'failed',
      failure: { reason: 'crash-loop', exitCode: 2, lastLines: ['starting', 'panic: no DATABASE_URL'] },
    });
  });
});

describe('LogStreamer', () => {
  it('streams every container and resumes after a restart without duplicates', async () => {
    const client = new FakeKubeClient();
    const got: LogLine[] = [];
    const streamer = new LogStreamer({
      client,
      namespace: 'dev',
      resource: 'web',
      labelSelector: 'app=web',
      onLine: (l) => got.push(l),
      retryDelayMs: 5,
    }).start();
    client.setLog('web-7d4b9c-x2x9z', 'app', [
      { timestamp: '2026-11-23T10:00:00.1Z', text: 'one' },
      { timestamp: '2026-11-23T10:00:00.1Z', text: 'one again' },
    ]);
    client.put(pod({ status: { state: { terminated: { exitCode: 1, finishedAt: '2026-11-23T10:00:01Z' } } } }));
    await until(() => got.length === 2);
    client.setLog('web-7d4b9c-x2x9z', 'app', [
      { timestamp: '2026-11-23T10:00:00.1Z', text: 'one' },
      { timestamp: '2026-11-23T10:00:00.1Z', text: 'one again' },
      { timestamp: '2026-11-23T10:00:02Z', text: 'two' },
    ]);
    client.put(pod({ status: { restartCount: 1, state: { running: { startedAt: '2026-11-23T10:00:02Z' } } } }));
    await until(() => got.length === 3);
    await new Promise((r) => setTimeout(r, 30));
    streamer.stop();
    expect(got.map((l) => l.text)).toEqual(['one', 'one again', 'two']);
    expect(got[0]).toMatchObject({ resource: 'web', pod: 'web-7d4b9c-x2x9z', container: 'app', timestamp: '2026-11-23T10:00:00.1Z' });
    expect(streamer.lines()).toHaveLength(3);
  });
});

describe('LogStreamer after a long outage', () => {
  it('opens the stream again on the next pod event once its retries ran out, resuming after the last line', async () => {
    const client = new FakeKubeClient();
    const got: LogLine[] = [];
    const streamer = new LogStreamer({
      client,
      namespace: 'dev',
      resource: 'web',
      labelSelector: 'app=web',
      onLine: (l) => got.push(l),
      retryDelayMs: 1,
    }).start();
    client.setLog('web-7d4b9c-x2x9z', 'app', [{ timestamp: '2026-11-23T10:00:00.1Z', text: 'one' }]);
    const running = pod({ status: { state: { running: { startedAt: '2026-11-23T10:00:00Z' } } } });
    const real = client.streamLog.bind(client);
    let down = false;
    let failures = 0;
    client.streamLog = async (request, onLine) => {
      if (!down) return real(request, onLine);
      failures++;
      return { ok: false, error: { reason: 'kube-unreachable', message: 'connection refused' } };
    };
    client.put(running);
    await until(() => got.length === 1);
    down = true;
    await until(() => failures > 30, 5000);
    await new Promise((r) => setTimeout(r, 30));
    down = false;
    client.setLog('web-7d4b9c-x2x9z', 'app', [
      { timestamp: '2026-11-23T10:00:00.1Z', text: 'one' },
      { timestamp: '2026-11-23T10:00:05Z', text: 'two' },
    ]);
    client.put(running); // the relist after the watch reconnected
    await until(() => got.length === 2);
    streamer.stop();
    expect(got.map((l) => l.text)).toEqual(['one', 'two']);
  });
});

/** A pod answers `<pod> got <request>` once it is in `listening`; before, the kubelet's refusal, before any byte. */
function answerWhenListening(listening: ReadonlySet<string>, tried: string[] = []): FakeKubeClient['forwardAnswer'] {
  return async ({ socket, pod: target }) => {
    tried.push(target);
    if (!listening.has(target)) {
      socket.destroy();
      return { reason: 'kube-api-error', status: 0, message: 'port-forward: connect: connection refused' };
    }
    const request = await new Promise<string>((resolve) => socket.once('data', (d) => resolve(String(d))));
    socket.end(`${target} got ${request}`);
    return undefined;
  };
}

/** Sends `text` through the local port; what came back when the connection closed. */
function askThrough(port: number, text: string): Promise<string> {
  return new Promise<string>((resolve) => {
    const s = connect(port, '127.0.0.1', () => s.write(text));
    let answer = '';
    s.on('data', (d) => (answer += d));
    s.on('close', () => resolve(answer));
  });
}

describe('PortForwarder', () => {
  it('keeps its port and sends new connections to the newest ready pod', async () => {
    const client = new FakeKubeClient();
    const pods: string[] = [];
    client.forwardAnswer = async ({ socket, pod: target }) => {
      pods.push(target);
      socket.end(target);
    };
    client.put({
      ...pod({ name: 'a', ready: true }),
      metadata: { ...pod({ name: 'a' }).metadata, creationTimestamp: '2026-11-23T10:00:00Z' },
    });
    const forwarder = new PortForwarder({ client, namespace: 'dev', labelSelector: 'app=web', local: 0, remote: 80 });
    const started = await forwarder.start();
    if (!started.ok) throw new Error(started.error.message);
    const read = () =>
      new Promise<string>((resolve) => {
        const s = connect(started.value.port, '127.0.0.1');
        let text = '';
        s.on('data', (d) => (text += d));
        s.on('close', () => resolve(text));
      });
    await until(() => forwarder.target() === 'a');
    expect(await read()).toBe('a');
    client.put({
      ...pod({ name: 'b', ready: true }),
      metadata: { ...pod({ name: 'b' }).metadata, creationTimestamp: '2026-11-23T10:01:00Z' },
    });
    client.remove({ apiVersion: 'v1', kind: 'Pod', name: 'a', namespace: 'dev' });
    expect(await read()).toBe('b');
    forwarder.stop();
  });

  const at = (p: Pod, creationTimestamp: string): Pod => ({ ...p, metadata: { ...p.metadata, creationTimestamp } });
  const runningPod = (name: string, ready: boolean): Pod => {
    const p = pod({ name, ready, status: { started: true, state: { running: {} } } });
    return { ...p, status: { ...p.status, phase: 'Running' } };
  };

  it.each([
    { as: 'running, not ready', newPod: runningPod('new', false) },
    // Pending, ContainerCreating: the kubelet has not reported its container started yet
    { as: 'still starting', newPod: pod({ name: 'new' }) },
  ])('sends connections to the newest pod ($as) and, while it refuses, to the ready one with what the client sent', async ({ newPod }) => {
    const client = new FakeKubeClient();
    const listening = new Set(['old']);
    const tried: string[] = [];
    client.forwardAnswer = answerWhenListening(listening, tried);
    client.put(at(runningPod('old', true), '2026-11-23T10:00:00Z'));
    client.put(at(newPod, '2026-11-23T10:01:00Z'));
    const forwarder = new PortForwarder({ client, namespace: 'dev', labelSelector: 'app=web', local: 0, remote: 80 });
    const started = await forwarder.start();
    if (!started.ok) throw new Error(started.error.message);
    await until(() => forwarder.target() === 'new');
    expect(await askThrough(started.value.port, 'GET /1')).toBe('old got GET /1');
    expect(tried).toEqual(['new', 'old']);
    listening.add('new');
    expect(await askThrough(started.value.port, 'GET /2')).toBe('new got GET /2');
    forwarder.stop();
  });

  it('holds a connection that only a starting pod could take until it listens', async () => {
    const client = new FakeKubeClient();
    let listening = false;
    client.forwardAnswer = async ({ socket, pod: target }) => {
      if (!listening) {
        socket.destroy();
        return { reason: 'kube-api-error', status: 0, message: 'port-forward: pod sandbox not found' };
      }
      socket.end(target);
      return undefined;
    };
    client.put(pod({ name: 'first' }));
    const errors: string[] = [];
    const forwarder = new PortForwarder({
      client,
      namespace: 'dev',
      labelSelector: 'app=web',
      local: 0,
      remote: 80,
      onConnectionError: ({ error }) => errors.push(error.message),
    });
    const started = await forwarder.start();
    if (!started.ok) throw new Error(started.error.message);
    await until(() => forwarder.target() === 'first');
    const answer = new Promise<string>((resolve) => {
      const s = connect(started.value.port, '127.0.0.1');
      let text = '';
      s.on('data', (d) => (text += d));
      s.on('close', () => resolve(text));
    });
    setTimeout(() => {
      listening = true;
    }, 300);
    expect(await answer).toBe('first');
    expect(errors).toEqual([]);
    forwarder.stop();
  });
});
