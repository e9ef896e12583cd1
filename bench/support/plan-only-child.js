// A plan-only `devloop up` for the scale benchmark, run as its own process so
// its CPU and memory can be read from /proc: the real config loading, chokidar
// watcher, watch filter, batcher, DockerImages planner (content digests, hash
// index, docker image checks) and DevLoop controller; building, delivery and
// the cluster are stand-ins that succeed at once. Prints every action as one
// JSON line (the shape of `devloop up --output json`).
//
// Plain JavaScript over the compiled dist/ (the scale scenario builds it
// first): what users run. Run as TypeScript, Node's type stripper alone adds
// ~20 MB of resident memory, which is not devloop's.
//
// usage: node bench/support/plan-only-child.js <project-dir> [config-file]
import * as path from 'node:path';
import { BuildRecordStore } from '../../dist/build/build-record.js';
import { DockerBuilder } from '../../dist/build/docker-builder.js';
import { DockerImages } from '../../dist/build/docker-images.js';
import { cacheDirectory, HashIndex, hashIndexFile } from '../../dist/build/hash-index.js';
import { applyLoopHeapFlags } from '../../dist/cli/heap-settings.js';
import { watchSetup } from '../../dist/cli/watch-setup.js';
import { loadConfig } from '../../dist/config/load-config.js';
import { ok } from '../../dist/core/result.js';
import { DevLoop } from '../../dist/engine/dev-loop.js';
import { LogStore } from '../../dist/engine/log-store.js';
import { Store } from '../../dist/engine/store.js';
import { ExecaRunner } from '../../dist/system/execa-runner.js';
import { FileHashPool } from '../../dist/system/file-hash-pool.js';
import { NodeFileSystem } from '../../dist/system/node-file-system.js';
import { Batcher } from '../../dist/watch/batcher.js';
import { ChokidarWatcher } from '../../dist/watch/chokidar-watcher.js';

// As `devloop up` does before it starts watching (BENCH_DEFAULT_HEAP=1: V8's defaults, to compare).
if (process.env.BENCH_DEFAULT_HEAP !== '1') applyLoopHeapFlags();
const dir = path.resolve(process.argv[2] ?? '.');
const fs = new NodeFileSystem();
const emit = (event) => process.stdout.write(`${JSON.stringify(event)}\n`);

const configPath = process.argv[3];
const loaded = await loadConfig({ cwd: dir, env: process.env, flags: {}, fs, ...(configPath ? { configPath } : {}) });
if (!loaded.ok) {
  emit({ event: 'fatal', message: loaded.error.map((d) => d.message).join('; ') });
  process.exit(1);
}
const { config } = loaded.value;
const cacheDir = cacheDirectory({ projectRoot: config.rootDir, env: process.env });
// As `devloop up` does: large batches of files are read and hashed on worker threads (BENCH_HASH_THREADS=0: on the main thread).
const hashThreads = process.env.BENCH_HASH_THREADS;
const hasher = hashThreads === '0' ? undefined : new FileHashPool(hashThreads ? { threads: Number(hashThreads) } : {});
const index = await HashIndex.open({ fs, file: hashIndexFile(cacheDir), hasher });
// As `devloop up` does: the image tags are listed while the first plan walks the tree.
const docker = new DockerBuilder({ runner: new ExecaRunner() });
const records = new BuildRecordStore({ fs, cacheDir });
docker.prefetch(Object.values(config.images).map((image) => image.repository));
const images = new DockerImages({
  config,
  fs,
  index,
  docker,
  records,
});
const builder = {
  build: async (plan) => {
    // As a successful build does: its record, which the next plans compare their inputs with.
    const full = images.latestPlan(plan.image);
    if (full) {
      const { dockerfileText, dockerignoreText, files } = full.inputs;
      await records.write(full.name, { digest: full.digest, dockerfileText, dockerignoreText, files });
    }
    return ok({ image: plan.image, ref: plan.reference, tag: plan.tag, cached: false });
  },
};
const deliverer = {
  preflight: async () => ok(undefined),
  deliver: async (built) =>
    ok(
      built.map((b) => ({
        image: b.image,
        tag: b.tag,
        deployRef: b.ref,
        imagePullPolicy: 'IfNotPresent',
        stage: 'skipped',
        why: 'plan-only',
      })),
    ),
};
const deployer = {
  apply: async () => ok(undefined),
  patch: async () => ok(undefined),
  waitReady: async () => ok({ message: 'plan-only', podsReady: 1, podsWanted: 1 }),
};
const logFollower = { follow: () => undefined, stopAll: () => undefined };

const store = new Store(Date.now());
store.subscribe((action) => emit({ event: action.type, ...action }));
// As `devloop up` does: the watcher's scan of the tree waits for the first plan.
let firstPlanDone;
const firstPlan = new Promise((resolve) => {
  firstPlanDone = resolve;
});
store.subscribe((action) => {
  if (action.type === 'plan-completed' || action.type === 'plan-failed') firstPlanDone();
});
const imageNames = Object.keys(config.images);
const loop = new DevLoop({
  store,
  logs: new LogStore(),
  model: {
    resources: Object.values(config.resources).map((r) => ({ name: r.name, images: imageNames, dependsOn: [], trigger: 'auto' })),
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
const watcher = new ChokidarWatcher({ roots, filter: ignored, fs });
const files = await watcher.start(
  (file, kind) => batcher.add(file, kind),
  (message) => emit({ event: 'notice', message: `watch: ${message}` }),
  { scanAfter: firstPlan },
);
const cpuMs = () => (process.cpuUsage().user + process.cpuUsage().system) / 1000;
void watcher.scanned.then(() => emit({ event: 'bench-watch-scanned', at: Date.now(), cpuMs: cpuMs() }));
store.dispatch({ type: 'watch-ready', at: Date.now(), files });
const memory = (phase) =>
  emit({
    event: 'bench-memory',
    phase,
    at: Date.now(),
    rssMB: process.memoryUsage().rss / 1024 ** 2,
    heapUsedMB: process.memoryUsage().heapUsed / 1024 ** 2,
    cpuMs: cpuMs(),
  });
memory('watching');
await loop.start();
memory('first-pass-done');

process.on('SIGTERM', () => {
  batcher.dispose();
  void Promise.all([watcher.close(), loop.stop()])
    .then(() => index.close())
    .finally(() => process.exit(0));
});
