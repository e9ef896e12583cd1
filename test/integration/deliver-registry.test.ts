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
  runPod,
} from '../fixtures/deliver/cluster-helpers.ts';
import { describeWithCluster } from '../support/environment.ts';

describeWithCluster('deliver: registry push into the test cluster', (env) => {
  const real = new ExecaRunner();
  // the suite body also runs when the environment is missing (to register skipped tests): touch `env` only in hooks and tests
  let runner: RecordingRunner;
  const namespace = `deliver-reg-${Date.now().toString(36)}`;
  let built: Awaited<ReturnType<typeof buildUniqueImage>> | undefined;

  beforeAll(async () => {
    runner = new RecordingRunner(real, { PATH: k3dPaths(env).withK3d, KUBECONFIG: env.kubeconfig });
    built = await buildUniqueImage(real, 'devloop-it-deliver-reg');
  });
  afterAll(async () => {
    if (!built) return;
    await deleteNamespace(real, env, namespace);
    await real.run('docker', ['rmi', '-f', built.localRef, `${env.registryHost}/devloop-it-deliver-reg:${built.tag}`]);
    built.project.remove();
  });

  it('discovers the registry, pushes, runs a pod from it, and does no work the second time', async ({ annotate }) => {
    if (!built) throw new Error('image was not built');
    const context = { name: env.context, server: await contextServer(real, env) };
    const verdict = await checkContext({ context, allowContexts: [], lookup: dnsLookup() });
    expect(verdict.ok).toBe(true);
    if (!verdict.ok) return;

    const registryClient = new FetchRegistryClient();
    const cluster = await discoverCluster({
      context,
      configMaps: new KubectlConfigMapReader(real, env),
      k3d: new K3dCli({ runner }),
      registryClient,
    });
    expect(cluster.clusterName).toBe(env.cluster);
    expect(cluster.registry).toMatchObject({
      pushHost: env.registryHost,
      pullHost: env.registryFromCluster,
      source: 'configmap',
      probe: { ok: true },
    });

    const image = { name: 'app', localRef: built.localRef, repository: 'devloop-it-deliver-reg', tag: built.tag };
    const plan = chooseDelivery({ mode: 'auto', verdict: verdict.value, cluster, images: [image] });
    expect(plan.ok && plan.value.route.mode).toBe('registry');
    if (!plan.ok) return;

    const lister = new DockerExecNodeImageLister({ runner });
    const first = await deliverImages({ plan: plan.value, runner, registry: registryClient, lister });
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    const record = first.value[0]?.result;
    if (!record?.ok) throw new Error(`delivery failed: ${JSON.stringify(record)}`);
    expect(record.value).toMatchObject({
      stage: 'registry-push',
      label: 'registry-push',
      deployRef: `${env.registryFromCluster}/devloop-it-deliver-reg:${built.tag}`,
      imagePullPolicy: 'IfNotPresent',
    });
    expect(record.value.layersPushed).toBeGreaterThanOrEqual(1);
    expect(record.value.bytes).toBeGreaterThan(0);
    expect(record.value.endedAt).toBeGreaterThanOrEqual(record.value.startedAt);
    await annotate(
      `registry-push: ${record.value.endedAt - record.value.startedAt} ms, ${record.value.layersPushed} layer(s) pushed, ${record.value.layersReused} reused, ${record.value.bytes} bytes`,
    );

    const pod = await runPod({
      runner: real,
      env,
      namespace,
      image: record.value.deployRef,
      imagePullPolicy: record.value.imagePullPolicy,
    });
    expect(pod.ready, pod.detail).toBe(true);
    expect(pod.image).toBe(record.value.deployRef);

    const pushesBefore = runner.count('docker push');
    const tagsBefore = runner.count('docker tag');
    const second = await deliverImages({ plan: plan.value, runner, registry: registryClient, lister });
    const again = second.ok ? second.value[0]?.result : undefined;
    expect(again?.ok && again.value.stage).toBe('skipped');
    expect(again?.ok && again.value.label).toBe(`skipped: registry already has ${env.registryHost}/devloop-it-deliver-reg:${built.tag}`);
    expect(runner.count('docker push')).toBe(pushesBefore);
    expect(runner.count('docker tag')).toBe(tagsBefore);
  });
});
