import { describe, expect, it } from 'vitest';
import { k3dClusterListJson, k3dVersionText } from '../../test/fixtures/deliver/k3d-json.ts';
import { FakeRunner } from '../system/fake-runner.ts';
import { ClusterDeliverer, type DeliverySettings } from './cluster-deliverer.ts';
import { describeDelivery } from './delivered-image.ts';
import { FakeConfigMapReader } from './fake-config-map-reader.ts';
import { FakeNodeImageLister } from './fake-node-image-lister.ts';
import { FakeRegistryClient } from './fake-registry-client.ts';
import { K3dCli } from './k3d-cli.ts';

const hosting = {
  'localRegistryHosting.v1': 'host: "localhost:5111"\nhostFromContainerRuntime: "k3d-registry.localhost:5000"\n',
};

function deliverer(options: { delivery: DeliverySettings['cluster']['delivery']; registry?: boolean; runner?: FakeRunner }) {
  const runner = (options.runner ?? new FakeRunner())
    .on('k3d version', { stdout: k3dVersionText })
    .on('k3d cluster', { stdout: k3dClusterListJson });
  const registry = new FakeRegistryClient();
  const lister = new FakeNodeImageLister();
  const importedImages = new Set<string>();
  const configMaps = new FakeConfigMapReader();
  if (options.registry) configMaps.set('kube-public', 'local-registry-hosting', hosting);
  const d = new ClusterDeliverer({
    config: {
      cluster: { delivery: options.delivery, k3d: { name: 'dev', registry: undefined } },
      images: { api: { repository: 'team/api' } },
    },
    context: { name: 'k3d-dev', server: 'https://127.0.0.1:6550' },
    verdict: { kind: 'local', endpoints: [] },
    runner,
    registry,
    lister,
    configMaps,
    k3d: new K3dCli({ runner }),
    importedImages,
  });
  return { d, registry, lister, importedImages, runner };
}

const api = { image: 'api', ref: 'api:devloop-1', tag: 'devloop-1' };
const quiet = { signal: new AbortController().signal, onLine: () => undefined };

describe('ClusterDeliverer', () => {
  it('finds before any build that the cluster cannot receive images, and says what to do', async () => {
    const { d } = deliverer({ delivery: 'registry' });
    const pre = await d.preflight();
    expect(!pre.ok && pre.error).toMatchObject({ stage: 'deliver', reason: 'registry-missing' });
    expect(!pre.ok && pre.error.fix).toMatch(/cluster.delivery: 'auto'/);
  });

  it('pushes to the cluster registry under the configured repository; the delivered image carries its tag', async () => {
    const { d, registry } = deliverer({ delivery: 'auto', registry: true });
    expect((await d.preflight()).ok).toBe(true);
    expect(d.pushReference('api', 'devloop-1')).toBe('localhost:5111/team/api:devloop-1');
    registry.put('localhost:5111', 'team/api', 'devloop-1');
    const delivered = await d.deliver([api], quiet);
    expect(delivered.ok && delivered.value).toMatchObject([
      {
        image: 'api',
        tag: 'devloop-1',
        deployRef: 'k3d-registry.localhost:5000/team/api:devloop-1',
        imagePullPolicy: 'IfNotPresent',
        stage: 'skipped',
        route: 'registry',
        why: 'registry already has localhost:5111/team/api:devloop-1',
      },
    ]);
    expect(delivered.ok && describeDelivery(delivered.value[0] ?? { stage: 'registry-push' })).toBe('already in the registry');
  });

  it('asks the push registry whether it answers; it is down when it does not', async () => {
    const { d, registry } = deliverer({ delivery: 'auto', registry: true });
    expect(await d.registryAnswers()).toBe(true);
    registry.failure = { reason: 'registry-unreachable', host: 'localhost:5111', detail: 'connection refused' };
    expect(await d.registryAnswers()).toBe(false);
    const delivered = await d.deliver([api], quiet);
    expect(!delivered.ok && delivered.error).toMatchObject({ stage: 'deliver', reason: 'registry-unreachable' });
  });

  it('imports into the k3d nodes without a registry, and records the reference so that a pull of it is diagnosed', async () => {
    const runner = new FakeRunner().on('docker image', { stdout: 'sha256:x 10' });
    const { d, lister, importedImages } = deliverer({ delivery: 'auto', runner });
    runner.on('k3d image', (args) => {
      lister.add(args.at(-1) ?? '', ['k3d-dev-server-0', 'k3d-dev-agent-0', 'k3d-dev-agent-1']);
      return {};
    });
    expect(await d.registryAnswers()).toBe(true);
    expect(d.pushReference('api', 'devloop-1')).toBeUndefined();
    const delivered = await d.deliver([api], quiet);
    expect(delivered.ok && delivered.value).toMatchObject([
      {
        image: 'api',
        tag: 'devloop-1',
        deployRef: 'api:devloop-1',
        imagePullPolicy: 'IfNotPresent',
        stage: 'cluster-import',
        route: 'import',
        bytes: 10,
      },
    ]);
    expect([...importedImages]).toEqual(['api:devloop-1']);
  });
});
