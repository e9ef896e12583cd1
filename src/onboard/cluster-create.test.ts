import { describe, expect, it } from 'vitest';
import { ok } from '../core/result.ts';
import { FakeKubeClient } from '../k8s/fake-kube-client.ts';
import type { KubeObject } from '../k8s/kube-types.ts';
import { FakeRunner } from '../system/fake-runner.ts';
import { type CreateEvent, createCluster } from './cluster-create.ts';
import type { Clock } from './cluster-verify.ts';
import { K3dClusterDriver } from './k3d-cluster.ts';

const target = { name: 'dev', registry: { name: 'k3d-registry.localhost', port: 5000 } };
const clusterJson = (running: boolean) =>
  JSON.stringify([
    {
      name: 'dev',
      serversCount: 1,
      serversRunning: running ? 1 : 0,
      agentsCount: 0,
      agentsRunning: 0,
      nodes: [{ name: 'k3d-dev-server-0', role: 'server', State: { Running: running } }],
    },
  ]);

/** A clock whose sleeps advance time at once and run `onSleep` (the cluster "moves on"). */
function fakeClock(onSleep: (sleeps: number) => void = () => {}): Clock & { sleeps: number } {
  let now = 0;
  const clock = {
    sleeps: 0,
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
      clock.sleeps++;
      onSleep(clock.sleeps);
    },
  };
  return clock;
}

function readyCluster(kube: FakeKubeClient, nodeReady = true): void {
  kube.put({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'k3d-dev-server-0' },
    status: { conditions: [{ type: 'Ready', status: nodeReady ? 'True' : 'False' }] },
  });
  kube.put({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'default' } });
  kube.put({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'local-registry-hosting', namespace: 'kube-public' },
    data: { 'localRegistryHosting.v1': 'host: "localhost:5000"\nhostFromContainerRuntime: "k3d-registry.localhost:5000"\n' },
  });
}

/** Sets the status of the probe pod devloop created. */
function setPodStatus(kube: FakeKubeClient, status: Record<string, unknown>): void {
  const pod = kube.objects().find((o) => o.kind === 'Pod');
  if (pod) kube.put({ ...pod, status } as KubeObject);
}

function runner(options: { exists?: boolean; running?: boolean } = {}) {
  return new FakeRunner()
    .on('k3d version', { stdout: 'k3d version v5.8.3\nk3s version v1.31.5-k3s1 (default)' })
    .on('k3d cluster', (args) =>
      args[1] === 'list' ? { stdout: options.exists ? clusterJson(options.running ?? true) : '[]' } : { stdout: 'INFO[0001] done' },
    )
    .on('k3d registry', { stdout: '[]' })
    .on('docker', { stdout: '' });
}

describe('createCluster', () => {
  it('creates, waits for a Ready node and the default ServiceAccount, then pushes and pulls a probe image', async () => {
    const fake = runner();
    const kube = new FakeKubeClient();
    const clock = fakeClock((n) => {
      if (n === 1) readyCluster(kube, false);
      if (n === 2) readyCluster(kube, true);
      if (n === 3) setPodStatus(kube, { phase: 'Pending', containerStatuses: [{ state: { waiting: { reason: 'ContainerCreating' } } }] });
      if (n === 4) setPodStatus(kube, { phase: 'Succeeded', containerStatuses: [{ state: { terminated: { exitCode: 0 } } }] });
    });
    const events: CreateEvent[] = [];
    const result = await createCluster({
      driver: new K3dClusterDriver({ runner: fake }),
      runner: fake,
      target,
      configFile: 'k3d-cluster.yaml',
      connect: async () => ok(kube),
      probeImage: 'busybox:1.36',
      verify: true,
      tag: 'abc',
      clock,
      onEvent: (e) => events.push(e),
    });
    expect(result).toEqual({
      ok: true,
      value: {
        action: 'created',
        context: 'k3d-dev',
        nodes: ['k3d-dev-server-0'],
        provedWith: 'k3d-registry.localhost:5000/devloop-probe:abc',
      },
    });
    expect(fake.calls.map((c) => [c.command, ...c.args].join(' '))).toEqual([
      'k3d version',
      'k3d cluster list -o json',
      'k3d registry list -o json',
      'k3d cluster create --config k3d-cluster.yaml -- dev',
      'docker image inspect --format {{.Id}} busybox:1.36',
      'docker tag busybox:1.36 localhost:5000/devloop-probe:abc',
      'docker push localhost:5000/devloop-probe:abc',
      'docker image rm localhost:5000/devloop-probe:abc',
    ]);
    const applied = kube.calls.find((c) => c.method === 'apply')?.args as KubeObject;
    expect(applied.spec).toMatchObject({
      restartPolicy: 'Never',
      containers: [{ image: 'k3d-registry.localhost:5000/devloop-probe:abc', imagePullPolicy: 'Always' }],
    });
    expect(kube.objects().some((o) => o.kind === 'Pod')).toBe(false);
    expect(events.map((e) => e.type)).toEqual([
      'k3d-version',
      'k3d-started',
      'k3d-line',
      'waiting-for-api',
      'cluster-ready',
      'registry-found',
      'image-pushed',
      'pod-pulled',
    ]);
    expect(events.find((e) => e.type === 'registry-found')).toMatchObject({
      pushHost: 'localhost:5000',
      pullHost: 'k3d-registry.localhost:5000',
      source: 'configmap',
    });
  });

  it('starts a stopped cluster instead of creating it, and leaves a running one alone', async () => {
    const stopped = runner({ exists: true, running: false });
    const driverOf = (r: FakeRunner) => new K3dClusterDriver({ runner: r });
    const base = {
      runner: stopped,
      target,
      configFile: 'k3d-cluster.yaml',
      connect: async () => ok(new FakeKubeClient()),
      probeImage: 'busybox:1.36',
      verify: false,
    };
    expect(await createCluster({ ...base, driver: driverOf(stopped) })).toMatchObject({ ok: true, value: { action: 'started' } });
    expect(stopped.calls.at(-1)?.args).toEqual(['cluster', 'start', '--wait', '--', 'dev']);
    const running = runner({ exists: true, running: true });
    expect(await createCluster({ ...base, runner: running, driver: driverOf(running) })).toMatchObject({
      ok: true,
      value: { action: 'already-running' },
    });
    expect(running.calls.map((c) => c.args[0])).toEqual(['version', 'cluster', 'registry']);
  });

  it('fails fast with the pull error when nodes cannot pull from the registry', async () => {
    const fake = runner({ exists: true });
    const kube = new FakeKubeClient();
    readyCluster(kube);
    const clock = fakeClock(() =>
      setPodStatus(kube, {
        phase: 'Pending',
        containerStatuses: [
          { state: { waiting: { reason: 'ErrImagePull', message: 'dial tcp: lookup k3d-registry.localhost: no such host' } } },
        ],
      }),
    );
    const result = await createCluster({
      driver: new K3dClusterDriver({ runner: fake }),
      runner: fake,
      target,
      configFile: 'k3d-cluster.yaml',
      connect: async () => ok(kube),
      probeImage: 'busybox:1.36',
      verify: true,
      tag: 'x1',
      clock,
    });
    expect(result).toEqual({
      ok: false,
      error: {
        reason: 'registry-pull-failed',
        image: 'k3d-registry.localhost:5000/devloop-probe:x1',
        waitingReason: 'ErrImagePull',
        detail: 'dial tcp: lookup k3d-registry.localhost: no such host',
      },
    });
    expect(kube.objects().some((o) => o.kind === 'Pod')).toBe(false);
  });

  it('gives up waiting with the last reason, and reports a missing k3d', async () => {
    const fake = runner({ exists: true });
    const clock = fakeClock();
    const result = await createCluster({
      driver: new K3dClusterDriver({ runner: fake }),
      runner: fake,
      target,
      configFile: 'k3d-cluster.yaml',
      connect: async () => ({ ok: false, error: 'kube context k3d-dev is not in /root/.kube/config' }),
      probeImage: 'busybox:1.36',
      verify: true,
      clock,
      readyTimeoutMs: 5000,
    });
    expect(result).toMatchObject({
      ok: false,
      error: { reason: 'cluster-not-ready', context: 'k3d-dev', detail: 'kube context k3d-dev is not in /root/.kube/config' },
    });
    expect(clock.sleeps).toBe(5);
    const missing = new FakeRunner();
    const none = await createCluster({
      ...{ runner: missing, target, configFile: 'f', connect: async () => ok(new FakeKubeClient()), probeImage: 'b', verify: true },
      driver: new K3dClusterDriver({ runner: missing }),
    });
    expect(none).toEqual({ ok: false, error: { reason: 'k3d-not-installed' } });
  });

  it('pulls the probe image when it is not local, and reports a push failure', async () => {
    const fake = runner({ exists: true })
      .on('docker image', (args) => (args[1] === 'inspect' ? { exitCode: 1, stderr: 'No such image' } : {}))
      .on('docker push', { exitCode: 1, stderr: 'Get "http://localhost:5000/v2/": dial tcp 127.0.0.1:5000: connect: connection refused' });
    const kube = new FakeKubeClient();
    readyCluster(kube);
    const result = await createCluster({
      driver: new K3dClusterDriver({ runner: fake }),
      runner: fake,
      target,
      configFile: 'k3d-cluster.yaml',
      connect: async () => ok(kube),
      probeImage: 'busybox:1.36',
      verify: true,
      tag: 't',
      clock: fakeClock(),
    });
    expect(result).toMatchObject({ ok: false, error: { reason: 'registry-push-failed', image: 'localhost:5000/devloop-probe:t' } });
    expect(fake.calls.map((c) => c.args.slice(0, 2).join(' '))).toContain('pull busybox:1.36');
  });
});
