import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { chooseDelivery } from '../../src/deliver/choose-delivery.ts';
import { discoverCluster } from '../../src/deliver/cluster-discovery.ts';
import { type DeliveryRecord, deliverImages } from '../../src/deliver/deliver-images.ts';
import { K3dCli } from '../../src/deliver/k3d-cli.ts';
import { DockerExecNodeImageLister } from '../../src/deliver/node-image-lister.ts';
import { FetchRegistryClient } from '../../src/deliver/registry-client.ts';
import { openContextDiagnostic, openKubeContext } from '../../src/onboard/kube-connect.ts';
import { ExecaRunner } from '../../src/system/execa-runner.ts';
import { dnsLookup } from '../../src/system/host-lookup.ts';
import { NodeFileSystem } from '../../src/system/node-file-system.ts';
import { succeeded } from '../../src/system/process-runner.ts';
import { CountingRunner } from '../support/counting-runner.ts';
import { SampleTable, type Scenario } from '../support/report.ts';
import { benchDataDir } from '../support/scale-tree.ts';
import { benchRunner, openEnvironment, type TestEnvironment } from '../support/test-env.ts';

const baseImage = 'devloop-bench-large-base:v1';
const repository = 'devloop-bench-large';
const blobMB = 300;

async function docker(args: readonly string[]): Promise<string> {
  const result = await benchRunner.run('docker', args, { timeoutMs: 600_000 });
  if (!succeeded(result)) throw new Error(`docker ${args.slice(0, 2).join(' ')}: ${result.stderr.trim().split('\n').slice(-3).join(' ')}`);
  return result.stdout.trim();
}

/** debian:bookworm-slim plus a 300 MB layer of random bytes: built once, kept in Docker. */
async function ensureBaseImage(log: (line: string) => void): Promise<void> {
  const exists = await benchRunner.run('docker', ['image', 'inspect', baseImage]);
  if (succeeded(exists)) return;
  const dir = path.join(benchDataDir, 'large-base');
  const blob = path.join(dir, 'blob.bin');
  mkdirSync(dir, { recursive: true });
  if (!existsSync(blob)) {
    log(`writing ${blobMB} MB of random data (once)…`);
    const partial = `${blob}.partial`;
    const fd = openSync(partial, 'w');
    for (let i = 0; i < blobMB; i++) writeSync(fd, randomBytes(1024 * 1024));
    closeSync(fd);
    renameSync(partial, blob);
  }
  writeFileSync(path.join(dir, 'Dockerfile'), 'FROM debian:bookworm-slim\nCOPY blob.bin /opt/blob.bin\n');
  log(`building ${baseImage} (once)…`);
  await docker(['build', '-q', '-t', baseImage, dir]);
}

async function deliveryTarget(env: TestEnvironment, runner: CountingRunner) {
  const opened = await openKubeContext({
    fs: new NodeFileSystem(),
    env: process.env,
    context: env.context,
    allowContexts: [],
    lookup: dnsLookup(),
  });
  if (!opened.ok) throw new Error(`context ${env.context}: ${openContextDiagnostic(opened.error).message}`);
  const { context, client, verdict } = opened.value;
  const cluster = await discoverCluster({ context, configMaps: client, k3d: new K3dCli({ runner }) });
  return { verdict, cluster };
}

/**
 * Delivery of a small change to a large image: a tiny top layer over
 * debian:bookworm-slim plus 300 MB, built fresh each iteration, then
 * delivered both ways through devloop's deliver module (the code the loop
 * runs): registry push (only the changed layer moves) and `k3d image import`
 * (the whole image moves: the real k3d CLI streams `docker save` into the
 * node container's containerd). Times and bytes come from devloop's delivery records.
 */
export const delivery: Scenario = {
  name: 'delivery',
  title: 'Delivery of a small change to a ~380 MB image: registry push vs k3d image import',
  defaultIterations: 5,
  needsCluster: true,
  async run(ctx) {
    const env = await openEnvironment({ log: ctx.log });
    await ensureBaseImage(ctx.log);
    const runner = new CountingRunner(new ExecaRunner());
    const { verdict, cluster } = await deliveryTarget(env, runner);
    const registry = new FetchRegistryClient();
    const lister = new DockerExecNodeImageLister({ runner });
    const top = mkdtempSync(path.join(tmpdir(), 'devloop-bench-large-'));
    writeFileSync(path.join(top, 'Dockerfile'), `FROM ${baseImage}\nCOPY top.txt /opt/top.txt\n`);
    const table = new SampleTable();
    const facts: Record<string, string | number | boolean> = {};
    const cleanup: { docker: string[]; nodes: string[]; imported: string[] } = { docker: [], nodes: [], imported: [] };
    const deliver = async (mode: 'registry' | 'import', tag: string): Promise<DeliveryRecord> => {
      const image = { name: 'large', localRef: `${repository}:${tag}`, repository, tag };
      const plan = chooseDelivery({ mode, verdict, cluster, images: [image] });
      if (!plan.ok) throw new Error(`${mode}: ${JSON.stringify(plan.error)}`);
      const delivered = await deliverImages({ plan: plan.value, runner, registry, lister });
      if (!delivered.ok) throw new Error(`${mode}: ${JSON.stringify(delivered.error)}`);
      const result = delivered.value[0]?.result;
      if (!result?.ok) throw new Error(`${mode}: ${JSON.stringify(result?.error)}`);
      if (mode === 'registry') cleanup.docker.push(result.value.deployRef.replace(env.registryFromCluster, env.registryHost));
      else {
        cleanup.imported.push(`docker.io/library/${image.localRef}`);
        if (plan.value.route.mode === 'import') cleanup.nodes = [...plan.value.route.nodes];
      }
      return result.value;
    };
    try {
      for (let i = 0; i <= ctx.iterations; i++) {
        const tag = `bench-${Date.now().toString(36)}-${i}`;
        writeFileSync(path.join(top, 'top.txt'), `change ${i} ${tag}\n`);
        await docker(['build', '-q', '-t', `${repository}:${tag}`, top]);
        cleanup.docker.push(`${repository}:${tag}`);
        if (i === 0) {
          facts['image size'] =
            `${(Number(await docker(['image', 'inspect', '--format', '{{.Size}}', `${repository}:${tag}`])) / 1e6).toFixed(0)} MB`;
        }
        const pushed = await deliver('registry', tag);
        const imported = await deliver('import', tag);
        if (i === 0) {
          facts['warm-up push (base layers may already be in the registry from an earlier run)'] =
            `${pushed.endedAt - pushed.startedAt} ms, ${pushed.layersPushed} layers, ${((pushed.bytes ?? 0) / 1e6).toFixed(1)} MB`;
          continue;
        }
        table.add('registry push: time', 'ms', pushed.endedAt - pushed.startedAt);
        table.add('registry push: bytes moved', 'bytes', pushed.bytes);
        table.add('registry push: layers pushed', 'count', pushed.layersPushed);
        table.add('registry push: layers reused', 'count', pushed.layersReused);
        table.add('k3d image import: time', 'ms', imported.endedAt - imported.startedAt);
        table.add('k3d image import: bytes moved', 'bytes', imported.bytes);
        ctx.log(
          `  ${i}/${ctx.iterations}: push ${pushed.endedAt - pushed.startedAt} ms, import ${imported.endedAt - imported.startedAt} ms`,
        );
      }
      facts.route = `registry ${env.registryHost} (nodes pull from ${env.registryFromCluster}) vs import into ${env.cluster}`;
      return {
        metrics: table.metrics(),
        facts,
        notes: [
          'Each iteration changes only the top layer (a few bytes) and rebuilds; the image build is not timed.',
          'Push bytes: compressed layers devloop pushed; import bytes: the whole image (`docker save` streamed into the node’s containerd).',
          'Registry push time does not include the node pulling the new layer (that happens during the rollout).',
        ],
      };
    } finally {
      for (const ref of cleanup.docker) await benchRunner.run('docker', ['rmi', ref]);
      for (const node of cleanup.imported.length ? cleanup.nodes : [])
        await benchRunner.run('docker', ['exec', node, 'ctr', '-n', 'k8s.io', 'images', 'rm', ...cleanup.imported]);
      rmSync(top, { recursive: true, force: true });
    }
  },
};
