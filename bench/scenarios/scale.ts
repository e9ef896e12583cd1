import { readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { DevloopProcess, ensureBuilt, type JsonEvent, processUsage } from '../support/devloop-process.ts';
import { SampleTable, type Scenario, type ScenarioContext } from '../support/report.ts';
import { benchDataDir, ensureScaleTree, ensureTwoImageConfig, scaleEditFile } from '../support/scale-tree.ts';
import { repoRoot } from '../support/test-env.ts';
import { clusterSkipReason, scaleOnCluster } from './scale-cluster.ts';

const is = (name: string) => (e: JsonEvent) => e.event === name;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** inotify watches a process holds, from /proc/<pid>/fdinfo. */
function inotifyWatches(pid: number): number {
  let count = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`) !== 'anon_inode:inotify') continue;
      count += readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('inotify wd:')).length;
    } catch {
      // the descriptor closed meanwhile
    }
  }
  return count;
}

/** One plan-only child on the scale tree: what to label its figures with and which config it loads. */
interface Variant {
  /** Prefix of the figure names ('' for the one-image project). */
  readonly label: string;
  readonly configFile: string | undefined;
}

/**
 * Scale: 100k context files selected by COPY plus an ignored node_modules of
 * 200k, in a plan-only devloop child process (real watcher, filter, batcher,
 * planner and loop controller; build, delivery and cluster are stand-ins, so
 * the figures are devloop's own). Time until watching, the first plan with a
 * cold hash index, idle CPU and RSS from /proc, and each edit's time from the
 * end of the batch to a finished plan; then restarts on the warm hash index;
 * then the same with two images sharing the tree. Last, when the test
 * environment is there, the tree on the cluster: a first deploy and edits to
 * the new pod ready, end to end (`scale-cluster.ts`).
 */
export const scale: Scenario = {
  name: 'scale',
  title: 'Scale: 100k context files + 200k ignored (plan-only child process; then on the cluster when the test environment is there)',
  defaultIterations: 10,
  needsCluster: false,
  async run(ctx) {
    const dir = ensureScaleTree(ctx.log);
    await ensureBuilt(ctx.log);
    const table = new SampleTable();
    const facts: Record<string, number> = {};
    const cacheHome = path.join(benchDataDir, `scale-cache-${process.pid}`);
    try {
      ctx.log('one image: starting the watcher on 300k files (cold hash index)…');
      Object.assign(facts, await watchAndEdit(ctx, { dir, table, cacheHome, variant: { label: '', configFile: undefined } }));
      for (let i = 0; i < restarts; i++) {
        ctx.log(`restart ${i + 1}/${restarts} on the warm hash index…`);
        await restartWarm({ dir, table, cacheHome });
      }
      rmSync(cacheHome, { recursive: true, force: true });
      ctx.log('two images sharing the tree: starting (cold hash index)…');
      const twoImages = { label: '2 images: ', configFile: ensureTwoImageConfig(dir) };
      await watchAndEdit(ctx, { dir, table, cacheHome, variant: twoImages, iterations: Math.min(ctx.iterations, 5) });
    } finally {
      rmSync(cacheHome, { recursive: true, force: true });
    }
    const skipCluster = clusterSkipReason();
    if (skipCluster) console.log(`bench: scale: the cluster phase is skipped: ${skipCluster}`);
    else Object.assign(facts, await scaleOnCluster(ctx, { dir, table, iterations: Math.min(ctx.iterations, 3) }));
    return {
      metrics: table.metrics(),
      facts: { ...facts, 'docker processes': 'not counted here (see no-op)' },
      notes: [
        'Plan-only: the child runs the real watcher, filter, batcher, planner (hash index, digests, docker image checks) and loop, compiled (dist/) as users run them; build, delivery and deploy are stand-ins (the build one writes the build record a real build leaves, which the next plans compare their inputs with).',
        'The hash index starts cold (a fresh cache directory), so the first plan reads and hashes every context file once; the restarts reuse it.',
        "Idle CPU is measured from 10 s after the first pass and the watcher's scan, once the hash index has been saved (5 s after a plan, then 1–2 s to write 100k entries on a busy machine).",
        `Tree: ${dir} (generated once, reused).`,
        skipCluster
          ? `Cluster phase skipped: ${skipCluster}.`
          : 'Cluster phase (`cluster:` rows): `devloop up` in-process on the same tree with its own config (devloop.cluster.config.json: one image, COPY src/, delivery auto), a fresh namespace and a cold hash index; the 100k files are really sent to BuildKit and copied into the image, node_modules stays out through the .dockerignore; each edit of one file is timed to the new pod ready.',
      ],
    };
  },
};

/** Warm restarts measured after the first run. */
const restarts = 3;

function spawnChild(dir: string, cacheHome: string, configFile: string | undefined): DevloopProcess {
  return new DevloopProcess({
    script: path.join(repoRoot, 'bench/support/plan-only-child.js'),
    args: configFile ? [dir, configFile] : [dir],
    cwd: dir,
    env: { ...process.env, XDG_CACHE_HOME: cacheHome },
  });
}

/** Start on a cold hash index, idle, then edits; the child is stopped at the end. */
async function watchAndEdit(
  ctx: ScenarioContext,
  options: { dir: string; table: SampleTable; cacheHome: string; variant: Variant; iterations?: number },
): Promise<Record<string, number>> {
  const { dir, table, cacheHome, variant } = options;
  const name = (figure: string) => `${variant.label}${figure}`;
  const child = spawnChild(dir, cacheHome, variant.configFile);
  try {
    const watching = await child.waitFor(is('watch-ready'), { timeoutMs: 600_000 });
    const firstPass = await child.waitFor(is('iteration-completed'), { timeoutMs: 600_000 });
    const firstPlan = child.events.find(is('plan-completed'));
    table.add(name('spawn → watch-ready'), 'ms', Number(watching.at) - child.spawnedAt);
    table.add(
      name('first plan (cold hash index: reads and hashes 100k files)'),
      'ms',
      firstPlan ? Number(firstPlan.at) - Number(firstPlan.startedAt) : undefined,
      { target: 5000 },
    );
    table.add(name('spawn → first pass done'), 'ms', Number(firstPass.at) - child.spawnedAt);
    const memory = (phase: string) => child.events.find((e) => e.event === 'bench-memory' && e.phase === phase);
    const watchingMemory = await child
      .waitFor((e) => e.event === 'bench-memory' && e.phase === 'first-pass-done', { timeoutMs: 10_000 })
      .then(() => memory('watching'));
    table.add(name('CPU time: spawn → watch-ready'), 'ms', Number(watchingMemory?.cpuMs));
    table.add(name('CPU time: spawn → first pass done'), 'ms', Number(memory('first-pass-done')?.cpuMs));
    table.add(name('RSS when watching, before the first plan'), 'MB', Number(watchingMemory?.rssMB));
    table.add(name('  JS heap used then'), 'MB', Number(watchingMemory?.heapUsedMB));
    table.add(name('RSS after the first plan'), 'MB', Number(memory('first-pass-done')?.rssMB));
    table.add(name('  JS heap used after the first plan'), 'MB', Number(memory('first-pass-done')?.heapUsedMB));
    const scanned = await child.waitFor(is('bench-watch-scanned'), { timeoutMs: 600_000 });
    table.add(name("spawn → watcher's scan done (chokidar ready, listing compared)"), 'ms', Number(scanned.at) - child.spawnedAt);
    table.add(name("CPU time: spawn → watcher's scan done"), 'ms', Number(scanned.cpuMs));
    await sleep(10_000);
    ctx.log(`${variant.label}idle for ${ctx.idleSeconds} s…`);
    const before = processUsage(child.pid);
    const idleStart = Date.now();
    await sleep(ctx.idleSeconds * 1000);
    const after = processUsage(child.pid);
    const idleCpu = ((after.cpuSeconds - before.cpuSeconds) / ((Date.now() - idleStart) / 1000)) * 100;
    table.add(name(`idle CPU over ${ctx.idleSeconds} s`), '%', idleCpu, { target: 1 });
    table.add(name('RSS while idle'), 'MB', after.rssMB, { target: 200 });
    table.add(name('peak RSS (VmHWM)'), 'MB', after.peakRssMB);
    const watches = inotifyWatches(child.pid);

    const iterations = options.iterations ?? ctx.iterations;
    for (let i = 0; i < iterations; i++) {
      const from = child.events.length;
      const writeAt = Date.now();
      writeFileSync(scaleEditFile(dir, i), `edit ${i} ${writeAt}\n`);
      const detected = await child.waitFor(is('changes-detected'), { from, timeoutMs: 30_000 });
      const plan = await child.waitFor(is('plan-completed'), { from, timeoutMs: 60_000 });
      await child.waitFor(is('iteration-completed'), { from, timeoutMs: 60_000 });
      table.add(name('edit: plan (plan-completed.at − startedAt)'), 'ms', Number(plan.at) - Number(plan.startedAt), { target: 50 });
      table.add(name('edit: batch → plan done'), 'ms', Number(plan.at) - Number(detected.at));
      table.add(name('edit: watcher latency (write → first event)'), 'ms', Number(detected.firstSeenAt) - writeAt);
      table.add(name('edit: write → plan done'), 'ms', Number(plan.at) - writeAt);
      await sleep(300);
    }
    const afterEdits = processUsage(child.pid);
    table.add(name('RSS after the edits'), 'MB', afterEdits.rssMB, { target: 200 });
    // Put the edited files back, so the tree stays as generated.
    for (let i = 0; i < iterations; i++) {
      const file = scaleEditFile(dir, i);
      const f = Number(path.basename(file).slice(1, 5));
      writeFileSync(file, `42.${f}\n`);
    }
    return { [name('files watched (watch-ready.files)')]: Number(watching.files), [name('inotify watches held')]: watches };
  } finally {
    await child.stop();
  }
}

/** A restart on the hash index the previous run left: time to watching and the first (warm) plan. */
async function restartWarm(options: { dir: string; table: SampleTable; cacheHome: string }): Promise<void> {
  const { dir, table, cacheHome } = options;
  const child = spawnChild(dir, cacheHome, undefined);
  try {
    const watching = await child.waitFor(is('watch-ready'), { timeoutMs: 600_000 });
    await child.waitFor(is('iteration-completed'), { timeoutMs: 600_000 });
    const firstPlan = child.events.find(is('plan-completed'));
    table.add('warm restart: spawn → watch-ready', 'ms', Number(watching.at) - child.spawnedAt, { target: 2000 });
    table.add(
      'warm restart: first plan (stats 100k files, reads none)',
      'ms',
      firstPlan ? Number(firstPlan.at) - Number(firstPlan.startedAt) : undefined,
    );
    const memory = await child.waitFor((e) => e.event === 'bench-memory' && e.phase === 'first-pass-done', { timeoutMs: 10_000 });
    table.add('warm restart: spawn → first pass done', 'ms', Number(memory.at) - child.spawnedAt);
    table.add(
      'warm restart: CPU time: spawn → watch-ready',
      'ms',
      Number(child.events.find((e) => e.event === 'bench-memory' && e.phase === 'watching')?.cpuMs),
    );
    table.add('warm restart: CPU time: spawn → first pass done', 'ms', Number(memory.cpuMs));
    table.add('warm restart: RSS after the first plan', 'MB', Number(memory.rssMB), { target: 200 });
    const scanned = await child.waitFor(is('bench-watch-scanned'), { timeoutMs: 600_000 });
    table.add("warm restart: spawn → watcher's scan done", 'ms', Number(scanned.at) - child.spawnedAt);
    table.add('warm restart: RSS after the scan', 'MB', processUsage(child.pid).rssMB);
  } finally {
    await child.stop();
  }
}
