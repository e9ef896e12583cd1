import { describe, expect, it } from 'vitest';
import { FakeRunner } from '../system/fake-runner.ts';
import type { DeliveryPlan, ImageToDeliver } from './choose-delivery.ts';
import { type DeliveryEvent, deliverImages } from './deliver-images.ts';
import { FakeNodeImageLister } from './fake-node-image-lister.ts';
import { FakeRegistryClient } from './fake-registry-client.ts';

const api: ImageToDeliver = { name: 'api', localRef: 'api:1', repository: 'api', tag: '1' };
const web: ImageToDeliver = { name: 'web', localRef: 'web:2', repository: 'web', tag: '2' };

const registryPlan: DeliveryPlan = {
  route: { mode: 'registry', pushHost: 'localhost:5000', pullHost: 'reg:5000', remote: false },
  why: 'test',
  images: [api, web].map((image) => ({
    image,
    mode: 'registry' as const,
    pushRef: `localhost:5000/${image.repository}:${image.tag}`,
    deployRef: `reg:5000/${image.repository}:${image.tag}`,
    imagePullPolicy: 'IfNotPresent' as const,
  })),
};

function clock(): () => number {
  let t = 1000;
  return () => (t += 10);
}

describe('deliverImages', () => {
  it('pushes images in parallel as timed registry-push stages, and skips them the second time', async () => {
    const registry = new FakeRegistryClient();
    let inFlight = 0;
    let maxInFlight = 0;
    const runner = new FakeRunner()
      .on('docker image', { stdout: '[]' })
      .on('docker tag', {})
      .on('docker push', async (args) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setTimeout(r, 20));
        inFlight--;
        const [repo, tag] = (args[1] ?? '').replace('localhost:5000/', '').split(':');
        registry.put('localhost:5000', repo ?? '', tag ?? '');
        return { stdout: `${'a'.repeat(12)}: Pushed` };
      });
    const events: DeliveryEvent[] = [];
    const first = await deliverImages({
      plan: registryPlan,
      runner,
      registry,
      lister: new FakeNodeImageLister(),
      now: clock(),
      onEvent: (e) => events.push(e),
    });
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    expect(first.value.map((r) => r.result.ok && r.result.value.label)).toEqual(['registry-push', 'registry-push']);
    const record = first.value[0]?.result;
    expect(record?.ok && record.value).toMatchObject({
      image: 'api',
      stage: 'registry-push',
      deployRef: 'reg:5000/api:1',
      layersPushed: 1,
    });
    expect(record?.ok && record.value.endedAt > record.value.startedAt).toBe(true);
    expect(maxInFlight).toBe(2);
    expect(events.filter((e) => e.type === 'delivery-started')).toHaveLength(2);
    expect(events.filter((e) => e.type === 'delivery-output')).toHaveLength(2);

    const pushesBefore = runner.calls.filter((c) => c.args[0] === 'push').length;
    const second = await deliverImages({ plan: registryPlan, runner, registry, lister: new FakeNodeImageLister() });
    expect(second.ok && second.value.map((r) => r.result.ok && r.result.value.label)).toEqual([
      'skipped: registry already has localhost:5000/api:1',
      'skipped: registry already has localhost:5000/web:2',
    ]);
    expect(runner.calls.filter((c) => c.args[0] === 'push').length).toBe(pushesBefore);
  });

  it('fails the whole batch before any docker call when the registry does not answer', async () => {
    const registry = new FakeRegistryClient();
    registry.failure = { reason: 'registry-unreachable', host: 'localhost:5000', detail: 'connection refused (nothing listens there)' };
    const runner = new FakeRunner();
    const result = await deliverImages({ plan: registryPlan, runner, registry, lister: new FakeNodeImageLister() });
    expect(result).toEqual({ ok: false, error: registry.failure });
    expect(runner.calls).toEqual([]);
  });

  it('imports, and reports each image on its own', async () => {
    const lister = new FakeNodeImageLister().add('web:2', ['n1']);
    const plan: DeliveryPlan = {
      route: { mode: 'import', cluster: 'dev', nodes: ['n1'] },
      why: 'test',
      images: [api, web].map((image) => ({
        image,
        mode: 'import' as const,
        pushRef: undefined,
        deployRef: image.localRef,
        imagePullPolicy: 'IfNotPresent' as const,
      })),
    };
    const runner = new FakeRunner().on('docker image', { stdout: 'sha256:x 10' }).on('k3d image', (args) => {
      lister.add(args[args.length - 1] ?? '', ['n1']);
      return {};
    });
    const result = await deliverImages({ plan, runner, registry: new FakeRegistryClient(), lister });
    expect(result.ok && result.value.map((r) => r.result.ok && r.result.value.label)).toEqual([
      'cluster-import',
      'skipped: every node has web:2',
    ]);
    expect(runner.calls.filter((c) => c.command === 'k3d')).toHaveLength(1);
  });
});
