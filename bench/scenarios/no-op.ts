import { isDockerProcess } from '../support/counting-runner.ts';
import { first, isAction, LoopHarness } from '../support/loop-harness.ts';
import { createProject } from '../support/project.ts';
import { SampleTable, type Scenario } from '../support/report.ts';
import { openEnvironment } from '../support/test-env.ts';

/** The three saves that must cost nothing, and the file each one touches. */
const kinds = [
  { name: 'unchanged save', file: 'app/site/index.html', content: (_i: number, current: string) => current },
  { name: 'ignored file', file: 'app/NOTES.md', content: (i: number) => `notes ${i} ${Date.now()}\n` },
  { name: 'file no COPY selects', file: 'app/notes.txt', content: (i: number) => `scratch ${i} ${Date.now()}\n` },
] as const;

/**
 * No-op cost: a save with unchanged content, a change to a .dockerignore'd
 * file (`*.md`) and a change to a file in the context that no COPY selects.
 * Each must end with 0 builds and 0 docker processes; the time to decide is
 * changes-detected → iteration-completed.
 */
export const noOp: Scenario = {
  name: 'no-op',
  title: 'No-op saves: unchanged content, ignored file, file no COPY selects (in-process `devloop up`)',
  defaultIterations: 10,
  needsCluster: true,
  async run(ctx) {
    const env = await openEnvironment({ log: ctx.log });
    const project = await createProject(env, {
      name: 'noop',
      files: { 'app/NOTES.md': 'notes\n', 'app/notes.txt': 'scratch\n' },
    });
    const table = new SampleTable();
    const facts: Record<string, string | number | boolean> = {};
    let harness: LoopHarness | undefined;
    try {
      ctx.log('first deploy…');
      harness = await LoopHarness.start(project);
      const quietMs = harness.config.watch.debounceMs + 700;
      for (const kind of kinds) {
        let builds = 0;
        let dockerProcesses = 0;
        let batches = 0;
        for (let i = 0; i < ctx.iterations; i++) {
          await harness.settle(300);
          const mark = harness.mark();
          const writeAt = Date.now();
          project.write(kind.file, kind.content(i, project.read(kind.file)));
          const detected = await harness.waitFor(mark, isAction('changes-detected'), { timeoutMs: quietMs }).catch(() => undefined);
          if (detected) {
            batches++;
            const done = await harness.waitFor(mark, isAction('iteration-completed'), { timeoutMs: 30_000 });
            const plan = first(harness.since(mark), 'plan-completed');
            table.add(`${kind.name}: decide (batch → iteration done)`, 'ms', done.at - detected.at, { target: 20 });
            table.add(`${kind.name}: plan`, 'ms', plan ? plan.at - plan.startedAt : undefined);
            table.add(`${kind.name}: write → iteration done`, 'ms', done.at - writeAt);
          }
          await harness.settle(200);
          const actions = harness.since(mark);
          builds += actions.filter((a) => a.type === 'build-started').length;
          dockerProcesses += harness.runner.startedBetween(writeAt).filter(isDockerProcess).length;
        }
        facts[`${kind.name}: batches / builds / docker processes`] = `${batches} / ${builds} / ${dockerProcesses}`;
        if (batches === 0) facts[`${kind.name}: decided by`] = 'the watch filter (no event reaches the loop)';
        ctx.log(`  ${kind.name}: ${batches} batches, ${builds} builds, ${dockerProcesses} docker processes`);
      }
      return {
        metrics: table.metrics(),
        facts,
        notes: [
          `${ctx.iterations} saves of each kind; a kind with 0 batches was dropped by the watcher's filter before any planning.`,
          'decide = changes-detected.at → iteration-completed.at (planning against the hash index; no Docker call).',
        ],
      };
    } finally {
      await harness?.stop();
      await project.remove();
    }
  },
};
