// A plan-only `devloop up` for the scale benchmark, run as its own process so
// its CPU and memory can be read from /proc: the real config loading, chokidar
// watcher, watch filter, batcher, DockerImages planner (content digests, hash
// index, docker image checks) and DevLoop controller; building, delivery and
// the cluster are stand-ins that succeed at once. Prints every action as one
// JSON line (the shape of `devloop up --output json`).
//
// usage: node bench/support/plan-only-child.ts <project-dir> [config-file]
import * as path from 'node:path';
import { BuildRecordStore } from '../../src/build/build-record.ts';
import { DockerBuilder } from '../../src/build/docker-builder.ts';
import { cacheDirectory, HashIndex, hashIndexFile } from '../../src/build/hash-index.ts';
import { DockerImages } from '../../src/cli/adapters/docker-images.ts';
import { applyLoopHeapFlags } from '../../src/cli/heap-settings.ts';
import { watchSetup } from '../../src/cli/watch-setup.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { ok } from '../../src/core/result.ts';
import { DevLoop } from '../../src/engine/dev-loop.ts';
import { LogStore } from '../../src/engine/log-store.ts';
import type { Deployer, ImageBuilder, ImageDeliverer, LogFollower } from '../../src/engine/ports.ts';
import { Store } from '../../src/engine/store.ts';
import { ExecaRunner } from '../../src/system/execa-runner.ts';
import { NodeFileSystem } from '../../src/system/node-file-system.ts';
import { Batcher } from '../../src/watch/batcher.ts';
import { ChokidarWatcher } from '../../src/watch/chokidar-watcher.ts';

// As `devloop up` does before it starts watching (BENCH_DEFAULT_HEAP=1: V8's defaults, to compare).
if (process.env.BENCH_DEFAULT_HEAP !== '1') applyLoopHeapFlags();
const dir = path.resolve(process.argv[2] ?? '.');
const fs = new NodeFileSystem();
const emit = (event: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(event)}\n`);

const configPath = process.argv[3];
const loaded = await loadConfig({ cwd: dir, env: process.env, flags: {}, fs, ...(configPath ? { configPath } : {}) });
if (!loaded.ok) {
  emit({ event: 'fatal', message: loaded.error.map((d) => d.message).join('; ') });
  process.exit(1);
}
const { config } = loaded.value;
const cacheDir = cacheDirectory({ projectRoot: config.rootDir, env: process.env });
const index = await HashIndex.open({ fs, file: hashIndexFile(cacheDir) });
const images = new DockerImages({
  config,
  fs,
  index,
  docker: new DockerBuilder({ runner: new ExecaRunner() }),
  records: new BuildRecordStore({ fs, cacheDir }),
});
const builder: ImageBuilder = { build: async (plan) => ok({ image: plan.image, ref: plan.reference, tag: plan.tag, cached: false }) };
const deliverer: ImageDeliverer = {
  preflight: async () => ok(undefined),
  deliver: async (built) =>
    ok(built.map((b) => ({ image: b.image, deployRef: b.ref, imagePullPolicy: 'IfNotPresent', stage: 'skipped', why: 'plan-only' }))),
};
const deployer: Deployer = {
  apply: async () => ok(undefined),
  patch: async () => ok(undefined),
  waitReady: async () => ok({ message: 'plan-only', podsReady: 1, podsWanted: 1 }),
};
const logFollower: LogFollower = { follow: () => undefined, stopAll: () => undefined };

const store = new Store(Date.now());
store.subscribe((action) => emit({ event: action.type, ...action }));
const imageNames = Object.keys(config.images);
const loop = new DevLoop({
  store,
  logs: new LogStore(),
  model: {
    resources: Object.values(config.resources).map((r) => ({ name: r.name, images: imageNames, dependsOn: [], trigger: 'auto' as const })),
    imageDependencies: Object.fromEntries(imageNames.map((n) => [n, []])),
    buildConcurrency: config.build.concurrency,
    isManifest: () => false,
  },
  planner: images,
  builder,
  deliverer,
  deployer,
  logFollower,
});

const { roots, ignored } = await watchSetup(fs, config);
const batcher = new Batcher({ quietMs: config.watch.debounceMs, onBatch: (changes) => void loop.changes(changes) });
const watcher = new ChokidarWatcher({ roots, filter: ignored });
const files = await watcher.start(
  (file, kind) => batcher.add(file, kind),
  (message) => emit({ event: 'notice', message: `watch: ${message}` }),
);
store.dispatch({ type: 'watch-ready', at: Date.now(), files });
const memory = (phase: string) =>
  emit({
    event: 'bench-memory',
    phase,
    rssMB: process.memoryUsage().rss / 1024 ** 2,
    heapUsedMB: process.memoryUsage().heapUsed / 1024 ** 2,
  });
memory('watching');
await loop.start();
memory('first-pass-done');

process.on('SIGTERM', () => {
  batcher.dispose();
  void Promise.all([watcher.close(), loop.stop()]).finally(() => process.exit(0));
});
