import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { commandShims, DevloopProcess, ensureBuilt, type JsonEvent } from '../support/devloop-process.ts';
import { createProject } from '../support/project.ts';
import { SampleTable, type Scenario } from '../support/report.ts';
import { unionLength } from '../support/stats.ts';
import { openEnvironment } from '../support/test-env.ts';

const is = (name: string) => (e: JsonEvent) => e.event === name;

/**
 * Restart: `devloop up --output json` as a real child process on a tree an
 * earlier run already deployed. Must build nothing; measures the time from
 * spawning the process until every resource is ready, how much of it is
 * Node start-up and loading devloop (`devloop --version`), and how much is
 * spent inside docker and k3d processes.
 */
export const restart: Scenario = {
  name: 'restart',
  title: 'Restart: `devloop up` (child process) on an unchanged, already deployed tree',
  defaultIterations: 5,
  needsCluster: true,
  async run(ctx) {
    const env = await openEnvironment({ log: ctx.log });
    await ensureBuilt(ctx.log);
    const project = await createProject(env, { name: 'restart' });
    const shimDir = mkdtempSync(path.join(tmpdir(), 'devloop-bench-shim-'));
    const shims = commandShims(shimDir);
    const childEnv = { ...project.env, PATH: `${shims.binDir}:${project.env.PATH ?? ''}` };
    const table = new SampleTable();
    const builds: number[] = [];
    const dockerCalls: number[] = [];
    let lastCalls: string[] = [];
    let delivery = '';
    try {
      ctx.log('earlier run: first deploy…');
      const earlier = new DevloopProcess({ args: ['up', '--output', 'json'], cwd: project.dir, env: childEnv });
      await earlier.waitFor(is('iteration-completed'), { timeoutMs: 180_000 });
      await earlier.stop();
      for (let i = 0; i < ctx.iterations; i++) {
        const version = new DevloopProcess({ args: ['--version'], cwd: project.dir, env: childEnv });
        await version.exited();
        const before = shims.calls().length;
        const child = new DevloopProcess({ args: ['up', '--output', 'json'], cwd: project.dir, env: childEnv });
        const done = await child.waitFor(is('iteration-completed'), { timeoutMs: 180_000 });
        if (done.ok !== true) throw new Error(`restart ${i}: iteration failed: ${JSON.stringify(child.events.slice(-6))}`);
        const started = child.events.find(is('engine-started'));
        const watching = child.events.find(is('watch-ready'));
        const ready = Math.max(...child.events.filter(is('resource-ready')).map((e) => e.at ?? Number.NaN));
        const plan = child.events.find(is('plan-completed'));
        builds.push(child.events.filter(is('build-started')).length);
        await child.stop();
        const calls = shims.calls().slice(before);
        const inWindow = calls.filter((c) => c.startedAt <= ready);
        dockerCalls.push(inWindow.filter((c) => c.command === 'docker').length);
        lastCalls = inWindow.map(
          (c) =>
            `${c.command} ${c.args
              .split(' ')
              .slice(0, c.args.startsWith('image') ? 2 : 1)
              .join(' ')}`,
        );
        delivery = child.events
          .filter(is('delivery-completed'))
          .flatMap((e) => (e.delivered as { label: string }[]).map((d) => d.label))
          .join(', ');
        table.add('spawn → all resources ready', 'ms', ready - child.spawnedAt);
        table.add('  `devloop --version` (Node start + loading devloop)', 'ms', version.exitedAt - version.spawnedAt);
        table.add('  spawn → watch-ready (incl. session, cluster discovery)', 'ms', (watching?.at ?? Number.NaN) - child.spawnedAt);
        table.add('  plan (first pass, hash index warm)', 'ms', plan ? Number(plan.at) - Number(plan.startedAt) : undefined);
        table.add('  engine-started → all ready', 'ms', ready - (started?.at ?? Number.NaN));
        table.add(
          '  inside docker / k3d processes',
          'ms',
          unionLength(
            inWindow.map((c) => [c.startedAt, c.endedAt] as const),
            [child.spawnedAt, ready],
          ),
        );
        ctx.log(
          `  ${i + 1}/${ctx.iterations}: ready after ${ready - child.spawnedAt} ms, ${builds.at(-1)} builds, ${dockerCalls.at(-1)} docker processes`,
        );
      }
      return {
        metrics: table.metrics(),
        facts: {
          'builds per restart': builds.join(' '),
          'docker processes per restart': dockerCalls.join(' '),
          'programs run by the last restart': lastCalls.join(', ') || 'none',
          delivery,
        },
        notes: [
          'Each restart: `node bin/devloop.js up --output json` on the same project, stopped with SIGTERM once its first pass completed.',
          'Programs are counted by logging `docker` and `k3d` wrappers first on PATH (k3d talks to Docker through its API, not the docker CLI).',
        ],
      };
    } finally {
      await project.remove();
      rmSync(shimDir, { recursive: true, force: true });
    }
  },
};
