import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { ArrivingImages } from '../../src/k8s/arriving-images.ts';
import type { RolloutFailureReason } from '../../src/k8s/diagnosis.ts';
import { applyObjects } from '../../src/k8s/inventory.ts';
import type { KubeObject } from '../../src/k8s/kube-types.ts';
import type { LogLine } from '../../src/k8s/log-line.ts';
import { LogStreamer } from '../../src/k8s/log-streamer.ts';
import type { NodeKubeClient } from '../../src/k8s/node-kube-client.ts';
import { PortForwarder } from '../../src/k8s/port-forwarder.ts';
import { followRollout, type RolloutOutcome } from '../../src/k8s/rollout-watcher.ts';
import {
  buildAndPush,
  buildImage,
  clusterClient,
  createNamespace,
  deleteNamespace,
  deploymentManifest,
  webDockerfile,
} from '../fixtures/k8s/cluster-rig.ts';
import { describeWithCluster } from '../support/environment.ts';

/** Every failure must be reported long before the 600 s progress deadline. */
const FAST_MS = 45_000;

describeWithCluster('k8s: rollouts, diagnoses, logs and port forwards on the test cluster', (env) => {
  let client: NodeKubeClient;
  let v1: string;
  let v2: string;
  let crashing: string;
  const namespaces: string[] = [];
  const cleanups: (() => void)[] = [];

  beforeAll(async () => {
    client = await clusterClient(env);
    const tag = Date.now().toString(36);
    v1 = await buildAndPush(env, { repository: 'devloop-it-k8s-web', tag: `v1-${tag}`, dockerfile: webDockerfile('v1') });
    v2 = await buildAndPush(env, { repository: 'devloop-it-k8s-web', tag: `v2-${tag}`, dockerfile: webDockerfile('v2') });
    crashing = await buildAndPush(env, {
      repository: 'devloop-it-k8s-crash',
      tag,
      dockerfile: 'FROM busybox:latest\nCMD ["sh", "-c", "echo starting up; echo fatal: DATABASE_URL is not set >&2; exit 3"]',
    });
  });

  afterEach(async () => {
    for (const stop of cleanups.splice(0)) stop();
    for (const ns of namespaces.splice(0)) await deleteNamespace(client, ns);
  });

  afterAll(() => undefined);

  async function deploy(manifest: (namespace: string) => KubeObject, importedImages?: ReadonlySet<string>) {
    const namespace = await createNamespace(client, 'devloop-it-k8s');
    namespaces.push(namespace);
    const object = manifest(namespace);
    const applied = await applyObjects(client, { rootDir: `/it/${namespace}`, namespace, objects: [object] });
    expect(applied.ok && applied.value.failed, JSON.stringify(applied)).toEqual([]);
    const started = performance.now();
    const outcome = await followRollout({
      client,
      namespace,
      name: object.metadata.name,
      ...(importedImages ? { importedImages } : {}),
    });
    return { namespace, outcome, ms: performance.now() - started };
  }

  async function expectFailure(outcome: RolloutOutcome, ms: number, reason: RolloutFailureReason) {
    expect(outcome.state, JSON.stringify(outcome)).toBe('failed');
    if (outcome.state !== 'failed') throw new Error('not failed');
    expect(outcome.failure.reason, JSON.stringify(outcome.failure)).toBe(reason);
    expect(ms).toBeLessThan(FAST_MS);
    return outcome.failure;
  }

  it('rolls out, streams the logs of a container that exits at once, and keeps a port forward across a rollout', async ({ annotate }) => {
    const lines: LogLine[] = [];
    const namespace = await createNamespace(client, 'devloop-it-k8s');
    namespaces.push(namespace);
    const streamer = new LogStreamer({
      client,
      namespace,
      resource: 'web',
      labelSelector: 'app=web',
      onLine: (l) => lines.push(l),
    }).start();
    cleanups.push(() => streamer.stop());
    const manifest = deploymentManifest({
      name: 'web',
      namespace,
      image: v1,
      initContainers: [{ name: 'hello', image: v1, command: ['sh', '-c', 'echo init says hello; echo init says bye'] }],
      container: { readinessProbe: { exec: { command: ['cat', '/www/index.html'] }, periodSeconds: 1 } },
    });
    const applied = await applyObjects(client, { rootDir: `/it/${namespace}`, namespace, objects: [manifest] });
    expect(applied.ok && applied.value.applied.length).toBe(1);
    let started = performance.now();
    const first = await followRollout({ client, namespace, name: 'web' });
    const firstMs = performance.now() - started;
    expect(first.state, JSON.stringify(first)).toBe('ready');

    await until(() => lines.some((l) => l.container === 'hello' && l.text === 'init says bye'), 15_000);
    const hello = lines.filter((l) => l.container === 'hello').map((l) => l.text);
    expect(hello).toEqual(['init says hello', 'init says bye']);
    expect(lines.find((l) => l.container === 'hello')).toMatchObject({ resource: 'web', init: true });
    expect(lines[0]?.timestamp).toMatch(/^\d{4}-\d\d-\d\dT/);

    const forwarder = new PortForwarder({ client, namespace, labelSelector: 'app=web', local: 0, remote: 8080 });
    cleanups.push(() => forwarder.stop());
    const listening = await forwarder.start();
    if (!listening.ok) throw new Error(listening.error.message);
    const url = `http://127.0.0.1:${listening.value.port}/`;
    await until(() => forwarder.target() !== undefined, 10_000);
    expect((await (await fetch(url, { signal: AbortSignal.timeout(10_000) })).text()).trim()).toBe('v1');

    const before = await client.get({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace });
    const patched = await client.patchImages({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace }, [
      { container: 'app', image: v2, imagePullPolicy: 'IfNotPresent' },
    ]);
    expect(patched.ok, JSON.stringify(patched)).toBe(true);
    started = performance.now();
    const second = await followRollout({ client, namespace, name: 'web' });
    const secondMs = performance.now() - started;
    expect(second.state, JSON.stringify(second)).toBe('ready');
    expect(patched.ok && before.ok && patched.value.metadata.uid).toBe(before.ok ? before.value?.metadata.uid : 'x');

    await until(() => second.state === 'ready' && forwarder.target() === second.pods[0], 15_000);
    expect((await (await fetch(url, { signal: AbortSignal.timeout(10_000) })).text()).trim()).toBe('v2');
    annotate(`first rollout ready in ${Math.round(firstMs)} ms, image patch rollout ready in ${Math.round(secondMs)} ms`);
    await until(() => lines.filter((l) => l.container === 'hello').length === 4, 15_000);
  });

  it('forwards to a new pod as soon as it listens, before it is ready, and to the ready pod while it does not listen yet', async () => {
    const namespace = await createNamespace(client, 'devloop-it-k8s');
    namespaces.push(namespace);
    const probe = { readinessProbe: { exec: { command: ['cat', '/www/index.html'] }, periodSeconds: 1 } };
    const first = deploymentManifest({ name: 'web', namespace, image: v1, container: probe });
    expect((await applyObjects(client, { rootDir: `/it/${namespace}`, namespace, objects: [first] })).ok).toBe(true);
    expect((await followRollout({ client, namespace, name: 'web' })).state).toBe('ready');
    const forwarder = new PortForwarder({ client, namespace, labelSelector: 'app=web', local: 0, remote: 8080 });
    cleanups.push(() => forwarder.stop());
    const listening = await forwarder.start();
    if (!listening.ok) throw new Error(listening.error.message);
    const page = async () =>
      (await (await fetch(`http://127.0.0.1:${listening.value.port}/`, { signal: AbortSignal.timeout(10_000) })).text()).trim();
    await until(() => forwarder.target() !== undefined, 10_000);
    const oldPod = forwarder.target();
    expect(await page()).toBe('v1');

    // v2 listens only 5 s after it starts and is not ready for 60 s: the old pod stays, ready.
    const second = deploymentManifest({
      name: 'web',
      namespace,
      image: v2,
      container: {
        command: ['sh', '-c', 'sleep 5; exec httpd -f -p 8080 -h /www'],
        readinessProbe: { exec: { command: ['cat', '/www/index.html'] }, initialDelaySeconds: 60, periodSeconds: 1 },
      },
    });
    expect((await applyObjects(client, { rootDir: `/it/${namespace}`, namespace, objects: [second] })).ok).toBe(true);
    try {
      await until(() => forwarder.target() !== oldPod, 60_000);
    } catch (error) {
      // What the cluster says about the pods, to tell a slow start from a forwarder that missed one.
      const listed = await client.list({ apiVersion: 'v1', kind: 'Pod', namespace, labelSelector: 'app=web' });
      const seen = listed.ok
        ? listed.value.map((p) => ({ name: p.metadata.name, created: p.metadata.creationTimestamp, status: p.status }))
        : listed.error;
      throw new Error(`${String(error)}; target ${forwarder.target()}, old ${oldPod}; pods ${JSON.stringify(seen)}`);
    }
    // Running, not listening: the connection goes on to the ready pod, request and all.
    expect(await page()).toBe('v1');
    let served = 'v1';
    const end = Date.now() + 30_000;
    while (served !== 'v2' && Date.now() < end) {
      served = await page().catch(() => 'refused');
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(served).toBe('v2');
    const pods = await client.list({ apiVersion: 'v1', kind: 'Pod', namespace, labelSelector: 'app=web' });
    const newPod = pods.ok ? pods.value.find((p) => p.metadata.name === forwarder.target()) : undefined;
    expect(newPod?.status && JSON.stringify(newPod.status)).toContain('"ready":false');
  });

  it('a pod that pulled an image still being pushed is not a failure, and is replaced once the image landed', async () => {
    const namespace = await createNamespace(client, 'devloop-it-k8s');
    namespaces.push(namespace);
    const first = deploymentManifest({ name: 'web', namespace, image: v1 });
    expect((await applyObjects(client, { rootDir: `/it/${namespace}`, namespace, objects: [first] })).ok).toBe(true);
    expect((await followRollout({ client, namespace, name: 'web' })).state).toBe('ready');
    const late = await buildImage(env, {
      repository: 'devloop-it-k8s-web',
      tag: `late-${Date.now().toString(36)}`,
      dockerfile: webDockerfile('late'),
    });
    const patched = await client.patchImages({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace }, [
      { container: 'app', image: late.pullRef, imagePullPolicy: 'IfNotPresent' },
    ]);
    expect(patched.ok, JSON.stringify(patched)).toBe(true);
    const images = new ArrivingImages([late.pullRef]);
    let landed = () => {};
    const rollout = followRollout({ client, namespace, name: 'web', arriving: { images, onLanded: (changed) => (landed = changed) } });
    let settled: RolloutOutcome | undefined;
    void rollout.then((o) => {
      settled = o;
    });
    // The kubelet tries before the push: its pull fails, which is no failure yet.
    const pullFailed = async () => {
      const pods = await client.list({ apiVersion: 'v1', kind: 'Pod', namespace, labelSelector: 'app=web' });
      return pods.ok ? pods.value.find((p) => JSON.stringify(p.status).match(/ErrImagePull|ImagePullBackOff/))?.metadata.name : undefined;
    };
    await until(async () => (await pullFailed()) !== undefined, 60_000);
    const tooEarly = await pullFailed();
    expect(settled).toBeUndefined();
    await late.push();
    images.landed(late.pullRef);
    landed();
    const outcome = await rollout;
    expect(outcome.state, JSON.stringify(outcome)).toBe('ready');
    expect(outcome.state === 'ready' && outcome.pods).not.toContain(tooEarly);
    const gone = await client.get({ apiVersion: 'v1', kind: 'Pod', name: tooEarly ?? '', namespace });
    expect(gone.ok && (gone.value === undefined || gone.value.metadata.deletionTimestamp !== undefined)).toBe(true);
  });

  it('reports a missing tag as image-pull-not-found within seconds', async ({ annotate }) => {
    const { outcome, ms } = await deploy((namespace) =>
      deploymentManifest({ name: 'missing-tag', namespace, image: `${v1.split(':').slice(0, -1).join(':')}:no-such-tag` }),
    );
    const failure = await expectFailure(outcome, ms, 'image-pull-not-found');
    annotate(`${failure.reason} after ${Math.round(ms)} ms: ${failure.message}`);
  });

  it('reports a crashing app as crash-loop with its exit code and last lines', async ({ annotate }) => {
    const { outcome, ms } = await deploy((namespace) => deploymentManifest({ name: 'crasher', namespace, image: crashing }));
    const failure = await expectFailure(outcome, ms, 'crash-loop');
    expect(failure).toMatchObject({ exitCode: 3 });
    // stdout and stderr are separate pipes: the runtime may record their lines in either order.
    const lines = failure.reason === 'crash-loop' ? [...failure.lastLines].sort() : [];
    expect(lines).toEqual(['fatal: DATABASE_URL is not set', 'starting up']);
    annotate(`${failure.reason} after ${Math.round(ms)} ms`);
  });

  it('reports a failing readiness probe with the probe message', async ({ annotate }) => {
    const { outcome, ms } = await deploy((namespace) =>
      deploymentManifest({
        name: 'unready',
        namespace,
        image: v1,
        container: { readinessProbe: { exec: { command: ['cat', '/www/healthz'] }, periodSeconds: 1, failureThreshold: 3 } },
      }),
    );
    const failure = await expectFailure(outcome, ms, 'readiness-probe-failing');
    expect(failure.message).toContain('/www/healthz');
    annotate(`${failure.reason} after ${Math.round(ms)} ms: ${failure.message}`);
  });

  it('reports a missing ConfigMap by name', async ({ annotate }) => {
    const { outcome, ms } = await deploy((namespace) =>
      deploymentManifest({
        name: 'needs-config',
        namespace,
        image: v1,
        container: { envFrom: [{ configMapRef: { name: 'app-settings' } }] },
      }),
    );
    const failure = await expectFailure(outcome, ms, 'create-container-config-error');
    expect(failure).toMatchObject({ missing: { kind: 'ConfigMap', name: 'app-settings' } });
    annotate(`${failure.reason} after ${Math.round(ms)} ms: ${failure.message}`);
  });

  it('blames the pull policy of an imported image that must not be pulled', async ({ annotate }) => {
    const image = 'devloop-it-k8s-imported:latest';
    const { outcome, ms } = await deploy(
      (namespace) => deploymentManifest({ name: 'imported', namespace, image, pullPolicy: 'Always' }),
      new Set([image]),
    );
    const failure = await expectFailure(outcome, ms, 'image-pull-policy-forces-pull');
    expect(failure).toMatchObject({ pullPolicy: 'Always', image });
    annotate(`${failure.reason} after ${Math.round(ms)} ms: ${failure.message}`);
  });
});

async function until(check: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
