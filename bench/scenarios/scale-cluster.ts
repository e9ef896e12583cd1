import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { readTestEnvironment } from '../../test/support/read-test-environment.ts';
import { LoopHarness } from '../support/loop-harness.ts';
import type { BenchProject } from '../support/project.ts';
import type { SampleTable, ScenarioContext } from '../support/report.ts';
import { benchDataDir, deployment, scaleEditFile } from '../support/scale-tree.ts';
import { kubectl, openEnvironment } from '../support/test-env.ts';
import { phasesOf } from './edit-to-ready.ts';

/** Why the cluster phase cannot run here, or undefined when the test environment is there. */
export function clusterSkipReason(): string | undefined {
  const facts = readTestEnvironment();
  return facts.ok ? undefined : `no test environment (${facts.reason}); start it with \`sudo scripts/test-env up\``;
}

/**
 * The scale tree on the cluster: `devloop up` in this process, composed as
 * the CLI does (real watcher, planner, hashing threads, docker builder,
 * delivery, Kubernetes), on a config of its own whose one image has the
 * 100k files in its build context and copies them all (`COPY src/`), with
 * node_modules kept out by the .dockerignore. The first deploy starts on a
 * cold hash index; each edit of one context file is timed to the new pod
 * ready, split into phases as in edit-to-ready.
 */
export async function scaleOnCluster(ctx: ScenarioContext, options: { dir: string; table: SampleTable; iterations: number }) {
  const { dir, table } = options;
  const env = await openEnvironment({ log: ctx.log });
  const namespace = `bench-scale-${Date.now().toString(36)}`;
  const configFile = path.join(dir, 'devloop.cluster.config.json');
  const cacheHome = path.join(benchDataDir, `scale-cluster-cache-${process.pid}`);
  mkdirSync(path.join(dir, 'k8s-cluster'), { recursive: true });
  // No grace period: `sleep` ignores SIGTERM, and the old pod's 30 s would only delay the namespace's removal.
  writeFileSync(
    path.join(dir, 'k8s-cluster/scale.yaml'),
    deployment('{ name: app, image: scale-app }', 'terminationGracePeriodSeconds: 0, '),
  );
  writeFileSync(
    configFile,
    `${JSON.stringify(
      {
        images: { 'scale-app': { context: 'app' } },
        manifests: ['k8s-cluster/*.yaml'],
        resources: { scale: { containers: { app: 'scale-app' } } },
        cluster: { context: env.context, namespace, delivery: 'auto' },
      },
      null,
      2,
    )}\n`,
  );
  await kubectl(env, ['create', 'namespace', namespace]);
  const project: BenchProject = {
    dir,
    namespace,
    env: { ...process.env, KUBECONFIG: env.kubeconfig, XDG_CACHE_HOME: cacheHome, NO_COLOR: '1' },
    write: (file, content) => writeFileSync(path.join(dir, file), content),
    read: () => '',
    remove: async () => {
      await kubectl(env, ['delete', 'namespace', namespace, '--wait=false'], { allowFailure: true });
      rmSync(cacheHome, { recursive: true, force: true });
    },
  };
  const edited: string[] = [];
  const routes = new Set<string>();
  let harness: LoopHarness | undefined;
  try {
    ctx.log('cluster: first deploy of the 100k-file image (cold hash index)…');
    const startedAt = Date.now();
    harness = await LoopHarness.start(project, { configFile });
    table.add('cluster: start → first deploy ready (cold hash index)', 'ms', Date.now() - startedAt);
    // The tree is restored after each run, so an earlier run may have built its image already.
    const firstBuilt = harness.actions.some((a) => a.type === 'build-started');
    const firstPlan = harness.actions.find((a) => a.type === 'plan-completed');
    if (firstPlan?.type === 'plan-completed') table.add('cluster: first plan (cold hash index)', 'ms', firstPlan.at - firstPlan.startedAt);
    const debounceMs = harness.config.watch.debounceMs;
    // The edits start once the watcher's scan (after the first plan) is done: it shares the thread the plans run on.
    await harness.watchScanned();
    for (let i = 0; i < options.iterations; i++) {
      await harness.settle(300);
      const mark = harness.mark();
      const file = scaleEditFile(dir, i);
      edited.push(file);
      const writeAt = Date.now();
      writeFileSync(file, `cluster edit ${i} ${writeAt}\n`);
      await harness.waitFor(mark, (a) => a.type === 'iteration-completed', { timeoutMs: 600_000 });
      const phases = phasesOf(harness.since(mark), writeAt, harness.runner.startedBetween(writeAt), debounceMs);
      if (!phases) throw new Error(`cluster edit ${i}: not one clean build-deliver-patch-rollout (${harness.describeFailures(mark)})`);
      routes.add(phases.route);
      for (const [name, value] of Object.entries(phases.values)) table.add(`cluster: edit: ${name.trim()}`, 'ms', value);
      ctx.log(
        `cluster: edit ${i + 1}/${options.iterations}: ${Math.round(phases.values['total edit-to-ready'] ?? 0)} ms to the new pod ready`,
      );
    }
    return {
      'cluster: delivery': [...routes].join(', '),
      'cluster: first deploy built the image': firstBuilt ? 'yes' : 'no (an earlier run had built it)',
    };
  } finally {
    await harness?.stop();
    await project.remove();
    // Put the edited files back, so the tree stays as generated.
    for (const file of edited) writeFileSync(file, `42.${Number(path.basename(file).slice(1, 5))}\n`);
  }
}
