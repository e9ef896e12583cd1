import { createServer } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ok } from '../../src/core/result.ts';
import { chooseDelivery, type ImageToDeliver } from '../../src/deliver/choose-delivery.ts';
import { discoverCluster } from '../../src/deliver/cluster-discovery.ts';
import { deliverImages } from '../../src/deliver/deliver-images.ts';
import { deliveryDiagnostic } from '../../src/deliver/delivery-error.ts';
import { K3dCli } from '../../src/deliver/k3d-cli.ts';
import type { ContextVerdict } from '../../src/deliver/local-context.ts';
import { DockerExecNodeImageLister, type NodeImageLister } from '../../src/deliver/node-image-lister.ts';
import { FetchRegistryClient } from '../../src/deliver/registry-client.ts';
import { ExecaRunner } from '../../src/system/execa-runner.ts';
import { FakeRunner } from '../../src/system/fake-runner.ts';
import { KubectlConfigMapReader, k3dPaths, RecordingRunner, removeFromNodes } from '../fixtures/deliver/cluster-helpers.ts';
import { describeWithCluster } from '../support/environment.ts';

const local: ContextVerdict = { kind: 'local', endpoints: [{ role: 'server', kind: 'loopback-address', host: '127.0.0.1' }] };

/** A TCP port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

describeWithCluster('deliver: each failure is reported with its fix and leaves nothing half-done', (env) => {
  const real = new ExecaRunner();
  // the suite body also runs when the environment is missing (to register skipped tests): touch `env` only in hooks and tests
  const pathWithK3d = () => k3dPaths(env).withK3d;
  const tag = `t${Date.now().toString(36)}`;
  const image: ImageToDeliver = { name: 'app', localRef: `devloop-it-deliver-err:${tag}`, repository: 'devloop-it-deliver-err', tag };

  beforeAll(async () => {
    const tagged = await real.run('docker', ['tag', 'busybox:1.36', image.localRef]);
    if (tagged.exitCode !== 0) throw new Error(tagged.stderr);
  });
  afterAll(async () => {
    await real.run('docker', ['rmi', image.localRef]);
    await removeFromNodes(real, env, `docker.io/library/${image.localRef}`);
  });

  const discover = (runner: RecordingRunner | FakeRunner, configuredRegistry?: string) =>
    discoverCluster({
      context: { name: env.context, server: undefined },
      configuredRegistry,
      configMaps: new KubectlConfigMapReader(real, env),
      k3d: new K3dCli({ runner }),
      registryClient: new FetchRegistryClient({ timeoutMs: 3000 }),
    });

  it('registry unreachable: a port with nothing listening fails before any docker call', async () => {
    const host = `localhost:${await closedPort()}`;
    const runner = new RecordingRunner(real, { PATH: pathWithK3d(), KUBECONFIG: env.kubeconfig });
    const cluster = await discover(runner, host);
    expect(cluster.registry?.probe).toMatchObject({ ok: false, failure: { reason: 'registry-unreachable' } });
    const plan = chooseDelivery({ mode: 'registry', verdict: local, cluster, images: [image] });
    if (!plan.ok) throw new Error(JSON.stringify(plan.error));
    const result = await deliverImages({
      plan: plan.value,
      runner,
      registry: new FetchRegistryClient(),
      lister: new DockerExecNodeImageLister({ runner }),
    });
    expect(result).toEqual({
      ok: false,
      error: { reason: 'registry-unreachable', host, detail: 'connection refused (nothing listens there)' },
    });
    expect(deliveryDiagnostic(result.ok ? (undefined as never) : result.error).hint).toContain("cluster.delivery: 'import'");
    expect(runner.calls.filter((c) => c.startsWith('docker'))).toEqual([]);
  });

  it('registry name that does not resolve: named, with no push attempted', async () => {
    const runner = new RecordingRunner(real, { PATH: pathWithK3d(), KUBECONFIG: env.kubeconfig });
    const cluster = await discover(runner, 'nope.invalid:5000');
    const plan = chooseDelivery({ mode: 'auto', verdict: local, cluster, images: [image] });
    if (!plan.ok) throw new Error(JSON.stringify(plan.error));
    const result = await deliverImages({
      plan: plan.value,
      runner,
      registry: new FetchRegistryClient(),
      lister: new DockerExecNodeImageLister({ runner }),
    });
    expect(result).toEqual({
      ok: false,
      error: { reason: 'registry-name-unresolvable', host: 'nope.invalid:5000', suggestion: undefined },
    });
    if (result.ok) return;
    expect(deliveryDiagnostic(result.error).message).toContain('does not resolve on this machine');
    expect(runner.calls.filter((c) => c.startsWith('docker'))).toEqual([]);
  });

  it('k3d not installed: discovery says so and an import is refused with the install hint', async () => {
    const runner = new RecordingRunner(real, { PATH: k3dPaths(env).withoutK3d, KUBECONFIG: env.kubeconfig });
    const cluster = await discover(runner);
    expect(cluster.k3d).toEqual({ installed: false });
    const plan = chooseDelivery({ mode: 'import', verdict: local, cluster, images: [image] });
    expect(plan).toEqual({ ok: false, error: { reason: 'k3d-not-installed' } });
    expect(deliveryDiagnostic({ reason: 'k3d-not-installed' }).hint).toContain('https://k3d.io');

    // the same, found at the last moment (k3d vanished between plan and import): nothing reaches the node
    const lister = new DockerExecNodeImageLister({ runner });
    const result = await deliverImages({
      plan: {
        route: { mode: 'import', cluster: env.cluster, nodes: [`k3d-${env.cluster}-server-0`] },
        why: 'test',
        images: [{ image, mode: 'import', pushRef: undefined, deployRef: image.localRef, imagePullPolicy: 'IfNotPresent' }],
      },
      runner,
      registry: new FetchRegistryClient(),
      lister,
    });
    expect(result.ok && result.value[0]?.result).toEqual({ ok: false, error: { reason: 'k3d-not-installed' } });
  });

  it('cluster stopped: k3d answering serversRunning 0 stops delivery before anything moves', async () => {
    const stopped = new FakeRunner()
      .on('k3d version', { stdout: 'k3d version v5.8.3' })
      .on('k3d registry', { stdout: '[]' })
      .on('k3d cluster', {
        stdout: JSON.stringify([
          {
            name: env.cluster,
            serversCount: 1,
            serversRunning: 0,
            agentsCount: 0,
            agentsRunning: 0,
            nodes: [{ name: `k3d-${env.cluster}-server-0`, role: 'server', State: { Running: false } }],
          },
        ]),
      });
    const cluster = await discover(stopped);
    for (const mode of ['auto', 'import', 'registry'] as const) {
      const plan = chooseDelivery({ mode, verdict: local, cluster, images: [image] });
      expect(plan).toEqual({ ok: false, error: { reason: 'cluster-stopped', cluster: env.cluster, serversRunning: 0, serversCount: 1 } });
    }
    expect(deliveryDiagnostic({ reason: 'cluster-stopped', cluster: env.cluster, serversRunning: 0, serversCount: 1 }).hint).toBe(
      `start it: k3d cluster start ${env.cluster}`,
    );
  });

  it('import partly failed: a real import that misses a node names that node', async () => {
    const runner = new RecordingRunner(real, { PATH: pathWithK3d(), KUBECONFIG: env.kubeconfig });
    const realLister = new DockerExecNodeImageLister({ runner });
    const ghost = `k3d-${env.cluster}-agent-ghost`;
    const lister: NodeImageLister = {
      listImages: (node, options) => (node === ghost ? Promise.resolve(ok([])) : realLister.listImages(node, options)),
    };
    const nodeName = `k3d-${env.cluster}-server-0`;
    const result = await deliverImages({
      plan: {
        route: { mode: 'import', cluster: env.cluster, nodes: [nodeName, ghost] },
        why: 'test',
        images: [{ image, mode: 'import', pushRef: undefined, deployRef: image.localRef, imagePullPolicy: 'IfNotPresent' }],
      },
      runner,
      registry: new FetchRegistryClient(),
      lister,
    });
    expect(result.ok && result.value[0]?.result).toEqual({
      ok: false,
      error: { reason: 'import-partial', image: image.localRef, cluster: env.cluster, missingOn: [ghost], presentOn: [nodeName] },
    });
  });
});
