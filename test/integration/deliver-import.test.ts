import { afterAll, beforeAll, expect, it } from 'vitest';
import { chooseDelivery } from '../../src/deliver/choose-delivery.ts';
import { discoverCluster } from '../../src/deliver/cluster-discovery.ts';
import { deliverImages } from '../../src/deliver/deliver-images.ts';
import { K3dCli } from '../../src/deliver/k3d-cli.ts';
import { checkContext } from '../../src/deliver/local-context.ts';
import { DockerExecNodeImageLister } from '../../src/deliver/node-image-lister.ts';
import { FetchRegistryClient } from '../../src/deliver/registry-client.ts';
import { ExecaRunner } from '../../src/system/execa-runner.ts';
import { dnsLookup } from '../../src/system/host-lookup.ts';
import {
  buildUniqueImage,
  contextServer,
  deleteNamespace,
  KubectlConfigMapReader,
  k3dPaths,
  RecordingRunner,
  removeFromNodes,
  runPod,
} from '../fixtures/deliver/cluster-helpers.ts';
import { describeWithCluster } from '../support/environment.ts';

describeWithCluster('deliver: k3d image import into the test cluster', (env) => {
  const real = new ExecaRunner();
  // the suite body also runs when the environment is missing (to register skipped tests): touch `env` only in hooks and tests
  let runner: RecordingRunner;
  const namespace = `deliver-imp-${Date.now().toString(36)}`;
  let built: Awaited<ReturnType<typeof buildUniqueImage>> | undefined;

  beforeAll(async () => {
    runner = new RecordingRunner(real, { PATH: k3dPaths(env).withK3d, KUBECONFIG: env.kubeconfig });
    built = await buildUniqueImage(real, 'devloop-it-deliver-imp');
  });
  afterAll(async () => {
    if (!built) return;
    await deleteNamespace(real, env, namespace);
    await real.run('docker', ['rmi', '-f', built.localRef]);
    await removeFromNodes(real, env, `docker.io/library/${built.localRef}`);
    built.project.remove();
  });

  it('imports with k3d, verifies the node, runs a pod without pulling, and does no work the second time', async ({ annotate }) => {
    if (!built) throw new Error('image was not built');
    const context = { name: env.context, server: await contextServer(real, env) };
    const verdict = await checkContext({ context, allowContexts: [], lookup: dnsLookup() });
    if (!verdict.ok) throw new Error('test context should be local');

    const cluster = await discoverCluster({
      context,
      configMaps: new KubectlConfigMapReader(real, env),
      k3d: new K3dCli({ runner }),
    });
    expect(cluster.k3d.installed).toBe(true);
    expect(cluster.cluster).toMatchObject({ name: env.cluster });
    expect(cluster.cluster?.serversRunning).toBeGreaterThan(0);

    const image = { name: 'app', localRef: built.localRef, repository: 'devloop-it-deliver-imp', tag: built.tag };
    const plan = chooseDelivery({ mode: 'import', verdict: verdict.value, cluster, images: [image] });
    if (!plan.ok) throw new Error(`no plan: ${JSON.stringify(plan.error)}`);
    expect(plan.value.route).toMatchObject({ mode: 'import', cluster: env.cluster });
    expect(plan.value.route.mode === 'import' && plan.value.route.nodes.length).toBeGreaterThan(0);

    const lister = new DockerExecNodeImageLister({ runner });
    const registry = new FetchRegistryClient();
    const first = await deliverImages({ plan: plan.value, runner, registry, lister });
    const record = first.ok ? first.value[0]?.result : undefined;
    if (!record?.ok) throw new Error(`delivery failed: ${JSON.stringify(first)}`);
    expect(record.value).toMatchObject({ stage: 'cluster-import', deployRef: built.localRef, imagePullPolicy: 'IfNotPresent' });
    expect(runner.calls).toContain(`k3d image import --mode=direct --cluster=${env.cluster} -- ${built.localRef}`);
    await annotate(`cluster-import: ${record.value.endedAt - record.value.startedAt} ms, ${record.value.bytes} bytes (whole image)`);

    const pod = await runPod({
      runner: real,
      env,
      namespace,
      image: record.value.deployRef,
      imagePullPolicy: record.value.imagePullPolicy,
    });
    expect(pod.ready, pod.detail).toBe(true);
    expect(pod.image).toBe(built.localRef);

    const importsBefore = runner.count('k3d image import');
    const second = await deliverImages({ plan: plan.value, runner, registry, lister });
    const again = second.ok ? second.value[0]?.result : undefined;
    expect(again?.ok && again.value.label).toBe(`skipped: every node has ${built.localRef}`);
    expect(runner.count('k3d image import')).toBe(importsBefore);
  });
});
