import { readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { DevloopProcess, type JsonEvent, processUsage } from '../support/devloop-process.ts';
import { SampleTable, type Scenario } from '../support/report.ts';
import { benchDataDir, ensureScaleTree, scaleEditFile } from '../support/scale-tree.ts';
import { repoRoot } from '../support/test-env.ts';

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

/**
 * Scale: 100k context files selected by COPY plus an ignored node_modules of
 * 200k, in a plan-only devloop child process (real watcher, filter, batcher,
 * planner and loop controller; no build, delivery or cluster — building and
 * deploying 100k files says nothing about devloop). Time until watching, the
 * first plan with a cold hash index, idle CPU and RSS from /proc, and each
 * edit's time from the end of the batch to a finished plan.
 */
export const scale: Scenario = {
  name: 'scale',
  title: 'Scale: 100k context files + 200k ignored (plan-only child process, no cluster)',
  defaultIterations: 10,
  needsCluster: false,
  async run(ctx) {
    const dir = ensureScaleTree(ctx.log);
    const cacheHome = path.join(benchDataDir, `scale-cache-${process.pid}`);
    const table = new SampleTable();
    const child = new DevloopProcess({
      script: path.join(repoRoot, 'bench/support/plan-only-child.ts'),
      args: [dir],
      cwd: dir,
      env: { ...process.env, XDG_CACHE_HOME: cacheHome },
    });
    try {
      ctx.log('starting the watcher on 300k files…');
      const watching = await child.waitFor(is('watch-ready'), { timeoutMs: 600_000 });
      const firstPass = await child.waitFor(is('iteration-completed'), { timeoutMs: 600_000 });
      const firstPlan = child.events.find(is('plan-completed'));
      table.add('spawn → watch-ready', 'ms', Number(watching.at) - child.spawnedAt);
      table.add(
        'first plan (cold hash index: reads and hashes 100k files)',
        'ms',
        firstPlan ? Number(firstPlan.at) - Number(firstPlan.startedAt) : undefined,
      );
      table.add('spawn → first pass done', 'ms', Number(firstPass.at) - child.spawnedAt);
      const memory = (phase: string) => child.events.find((e) => e.event === 'bench-memory' && e.phase === phase);
      const watchingMemory = await child
        .waitFor((e) => e.event === 'bench-memory' && e.phase === 'first-pass-done', { timeoutMs: 10_000 })
        .then(() => memory('watching'));
      table.add('RSS when watching, before the first plan', 'MB', Number(watchingMemory?.rssMB));
      table.add('  JS heap used then', 'MB', Number(watchingMemory?.heapUsedMB));
      table.add('RSS after the first plan', 'MB', Number(memory('first-pass-done')?.rssMB));
      table.add('  JS heap used after the first plan', 'MB', Number(memory('first-pass-done')?.heapUsedMB));
      await sleep(2000);
      ctx.log(`idle for ${ctx.idleSeconds} s…`);
      const before = processUsage(child.pid);
      const idleStart = Date.now();
      await sleep(ctx.idleSeconds * 1000);
      const after = processUsage(child.pid);
      const idleCpu = ((after.cpuSeconds - before.cpuSeconds) / ((Date.now() - idleStart) / 1000)) * 100;
      table.add(`idle CPU over ${ctx.idleSeconds} s`, '%', idleCpu, { target: 1 });
      table.add('RSS while idle', 'MB', after.rssMB, { target: 200 });
      table.add('peak RSS (VmHWM)', 'MB', after.peakRssMB);
      const watches = inotifyWatches(child.pid);

      for (let i = 0; i < ctx.iterations; i++) {
        const from = child.events.length;
        const writeAt = Date.now();
        writeFileSync(scaleEditFile(dir, i), `edit ${i} ${writeAt}\n`);
        const detected = await child.waitFor(is('changes-detected'), { from, timeoutMs: 30_000 });
        const plan = await child.waitFor(is('plan-completed'), { from, timeoutMs: 60_000 });
        await child.waitFor(is('iteration-completed'), { from, timeoutMs: 60_000 });
        table.add('edit: plan (plan-completed.at − startedAt)', 'ms', Number(plan.at) - Number(plan.startedAt), { target: 50 });
        table.add('edit: batch → plan done', 'ms', Number(plan.at) - Number(detected.at));
        table.add('edit: watcher latency (write → first event)', 'ms', Number(detected.firstSeenAt) - writeAt);
        table.add('edit: write → plan done', 'ms', Number(plan.at) - writeAt);
        await sleep(300);
      }
      const afterEdits = processUsage(child.pid);
      table.add('RSS after the edits', 'MB', afterEdits.rssMB, { target: 200 });
      // Put the edited files back, so the tree stays as generated.
      for (let i = 0; i < ctx.iterations; i++) {
        const file = scaleEditFile(dir, i);
        const f = Number(path.basename(file).slice(1, 5));
        writeFileSync(file, `42.${f}\n`);
      }
      return {
        metrics: table.metrics(),
        facts: {
          'files watched (watch-ready.files)': Number(watching.files),
          'inotify watches held': watches,
          'docker processes': 'not counted here (see no-op)',
        },
        notes: [
          'Plan-only: the child runs the real watcher, filter, batcher, planner (hash index, digests, docker image checks) and loop; build, delivery and deploy are stand-ins.',
          'The hash index starts cold (a fresh cache directory), so the first plan reads and hashes every context file once.',
          `Tree: ${dir} (generated once, reused).`,
        ],
      };
    } finally {
      await child.stop();
      rmSync(cacheHome, { recursive: true, force: true });
    }
  },
};
