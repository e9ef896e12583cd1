import type { Action } from '../../src/engine/actions.ts';
import { isDockerBuild, isDockerProcess, type RunRecord } from '../support/counting-runner.ts';
import { all, first, isAction, LoopHarness } from '../support/loop-harness.ts';
import { createProject } from '../support/project.ts';
import { SampleTable, type Scenario } from '../support/report.ts';
import { unionLength } from '../support/stats.ts';
import { openEnvironment } from '../support/test-env.ts';

/**
 * Edit-to-ready for a code-only change of the example app (its page), split
 * into phases from the actions' own times, and devloop's overhead: the total
 * minus the time inside Docker processes, the delivery step (registry or
 * import) and the cluster (patch and rollout), minus the configured debounce.
 */
export const editToReady: Scenario = {
  name: 'edit-to-ready',
  title: 'Edit-to-ready, code-only change of examples/hello (in-process `devloop up`, real adapters)',
  defaultIterations: 10,
  needsCluster: true,
  async run(ctx) {
    const env = await openEnvironment({ log: ctx.log });
    const project = await createProject(env, { name: 'edit' });
    const table = new SampleTable();
    const routes = new Set<string>();
    const dockerCounts: number[] = [];
    let commands = '';
    let harness: LoopHarness | undefined;
    try {
      ctx.log('first deploy…');
      harness = await LoopHarness.start(project);
      const debounceMs = harness.config.watch.debounceMs;
      for (let i = 0; i < ctx.iterations; i++) {
        await harness.settle(300);
        const mark = harness.mark();
        const writeAt = Date.now();
        project.write('app/site/index.html', `<!doctype html>\n<h1>edit ${i} at ${writeAt}</h1>\n`);
        await harness.waitFor(mark, isAction('iteration-completed'), { timeoutMs: 180_000 });
        const actions = harness.since(mark);
        const phases = phasesOf(actions, writeAt, harness.runner.startedBetween(writeAt), debounceMs);
        if (!phases)
          throw new Error(`iteration ${i}: not one clean build-deliver-patch-rollout (${actions.map((a) => a.type).join(', ')})`);
        for (const [name, value] of Object.entries(phases.values)) {
          table.add(name, 'ms', value, name === 'devloop overhead' ? { target: 50 } : {});
        }
        routes.add(phases.route);
        dockerCounts.push(phases.dockerProcesses);
        commands = phases.commands;
        ctx.log(`  ${i + 1}/${ctx.iterations}: ${Math.round(phases.values['total edit-to-ready'] ?? 0)} ms`);
      }
      return {
        metrics: table.metrics(),
        facts: {
          delivery: [...routes].join(', '),
          debounceMs,
          'docker processes per edit': dockerCounts.join(' '),
          'programs run for the last edit': commands,
        },
        notes: [
          'detect = file write → batch handed to the loop (watcher latency + the debounce quiet window).',
          'devloop overhead = total − debounce − (union of: child processes, delivery step, patch + rollout).',
        ],
      };
    } finally {
      await harness?.stop();
      await project.remove();
    }
  },
};

/** The phase durations of one clean iteration, or undefined when it was not one. */
export function phasesOf(
  actions: readonly Action[],
  writeAt: number,
  processes: readonly RunRecord[],
  debounceMs: number,
): { values: Record<string, number>; route: string; dockerProcesses: number; commands: string } | undefined {
  const detected = first(actions, 'changes-detected');
  const plan = first(actions, 'plan-completed');
  const buildStarted = first(actions, 'build-started');
  const built = first(actions, 'build-completed');
  const deliveryStarted = first(actions, 'delivery-started');
  const delivered = first(actions, 'delivery-completed');
  const deployStarted = first(actions, 'deploy-started');
  const deployed = first(actions, 'deploy-completed');
  const ready = first(actions, 'resource-ready');
  if (!detected || !plan || !buildStarted || !built || !deliveryStarted || !delivered || !deployStarted || !deployed || !ready) {
    return undefined;
  }
  if (all(actions, 'iteration-started').length !== 1) return undefined;
  const end = ready.at;
  const window = [writeAt, end] as const;
  const ran = processes.filter((p) => p.startedAt <= end);
  const external = unionLength(
    [...ran.map((p) => [p.startedAt, p.endedAt ?? end] as const), [deliveryStarted.at, delivered.at], [deployStarted.at, ready.at]],
    window,
  );
  const total = end - writeAt;
  const quiet = Math.min(debounceMs, detected.at - detected.firstSeenAt);
  const dockerBuild = ran.filter(isDockerBuild);
  return {
    route: delivered.delivered.map((d) => d.stage).join('+'),
    dockerProcesses: ran.filter(isDockerProcess).length,
    commands: ran.map((p) => `${p.command} ${p.args.slice(0, p.args[0] === 'image' ? 2 : 1).join(' ')}`).join(', '),
    values: {
      'total edit-to-ready': total,
      'detect (write → batch)': detected.at - writeAt,
      '  watcher latency': detected.firstSeenAt - writeAt,
      '  debounce quiet window': detected.at - detected.firstSeenAt,
      plan: plan.at - plan.startedAt,
      '  of which Docker processes': unionLength(
        ran.map((p) => [p.startedAt, p.endedAt ?? end] as const),
        [plan.startedAt, plan.at],
      ),
      'build (build-started → completed)': built.at - buildStarted.at,
      '  inside the build process': dockerBuild.reduce((sum, p) => sum + ((p.endedAt ?? end) - p.startedAt), 0),
      deliver: delivered.at - deliveryStarted.at,
      patch: deployed.at - deployStarted.at,
      rollout: ready.at - deployed.at,
      'Docker + registry + cluster (external)': external,
      'devloop overhead': total - quiet - external,
      'devloop overhead incl. debounce': total - external,
    },
  };
}
