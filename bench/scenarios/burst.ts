import * as path from 'node:path';
import { isDockerProcess } from '../support/counting-runner.ts';
import { ensureBuilt } from '../support/devloop-process.ts';
import { all, LoopHarness } from '../support/loop-harness.ts';
import { createProject, runningPods } from '../support/project.ts';
import { SampleTable, type Scenario } from '../support/report.ts';
import { benchRunner, kubectl, openEnvironment, repoRoot } from '../support/test-env.ts';

const files = 20;
const saves = 200;
const spanMs = 2000;
const burstFile = (k: number) => `app/site/burst/f${String(k % files).padStart(2, '0')}.html`;

/**
 * When save k is due (ms after the start). Even rounds spread the saves evenly
 * (one batch: the quiet window never elapses); odd rounds write 10 clusters of
 * 20 saves 200 ms apart, so batches arrive while a build runs and cancel it.
 */
function dueAt(round: number, k: number): number {
  if (round % 2 === 0) return (k * spanMs) / saves;
  const group = Math.floor(k / 20);
  return group * (spanMs / 10) + (k % 20) * 2;
}

/**
 * Burst: 200 saves across 20 page files within 2 s. Counts batches, builds
 * and cancelled work, then proves that what runs is the final tree: the tag
 * of the ready pod equals the tag devloop recorded and the tag
 * `devloop plan --json` computes from the files on disk, and the pod serves
 * the last save's content.
 */
export const burst: Scenario = {
  name: 'burst',
  title: `Burst: ${saves} saves across ${files} files within ${spanMs / 1000} s (in-process \`devloop up\`)`,
  defaultIterations: 2,
  needsCluster: true,
  async run(ctx) {
    const env = await openEnvironment({ log: ctx.log });
    await ensureBuilt(ctx.log);
    const initial = Object.fromEntries(Array.from({ length: files }, (_, k) => [burstFile(k), `initial ${k}\n`]));
    const project = await createProject(env, { name: 'burst', files: initial });
    const table = new SampleTable();
    // Content unique to this run, so no image from an earlier run matches a digest.
    const runId = Date.now().toString(36);
    const proofs: string[] = [];
    let harness: LoopHarness | undefined;
    try {
      ctx.log('first deploy…');
      harness = await LoopHarness.start(project);
      for (let round = 0; round < ctx.iterations; round++) {
        await harness.settle(500);
        const mark = harness.mark();
        const began = Date.now();
        for (let k = 0; k < saves; k++) {
          const due = began + dueAt(round, k);
          const wait = due - Date.now();
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
          project.write(burstFile(k), `round ${round} save ${k} of run ${runId}\n`);
        }
        const lastWriteAt = Date.now();
        await harness.settle(1500);
        const actions = harness.since(mark);
        const completed = all(actions, 'iteration-completed');
        const lastDeploy = all(actions, 'deploy-completed').at(-1);
        const ready = all(actions, 'resource-ready').at(-1);
        const pattern = round % 2 === 0 ? 'even' : 'clustered';
        table.add(`${pattern}: saves written in`, 'ms', lastWriteAt - began);
        table.add(`${pattern}: batches (changes-detected)`, 'count', all(actions, 'changes-detected').length);
        table.add(`${pattern}: builds started`, 'count', all(actions, 'build-started').length);
        table.add(`${pattern}: builds cancelled`, 'count', all(actions, 'build-cancelled').length);
        table.add(`${pattern}: iterations superseded`, 'count', all(actions, 'iteration-superseded').length);
        table.add(`${pattern}: rollouts (deploy-completed)`, 'count', all(actions, 'deploy-completed').length);
        table.add(`${pattern}: docker processes`, 'count', harness.runner.startedBetween(began).filter(isDockerProcess).length);
        table.add(`${pattern}: last save → final resource ready`, 'ms', ready ? ready.at - lastWriteAt : undefined);

        const recorded = lastDeploy?.tags['hello-web'];
        const planned = await benchRunner.run(process.execPath, [path.join(repoRoot, 'bin/devloop.js'), 'plan', '--json'], {
          cwd: project.dir,
          env: project.env,
        });
        const plan = JSON.parse(planned.stdout) as { images: { name: string; tag: string; rebuild: boolean }[] };
        const finalTag = plan.images.find((i) => i.name === 'hello-web')?.tag;
        const running = await runningPods(env, project.namespace);
        const lastFile = `/srv/burst/f${String((saves - 1) % files).padStart(2, '0')}.html`;
        const served: string[] = [];
        for (const pod of running) {
          const out = await kubectl(env, ['-n', project.namespace, 'exec', pod.name, '--', 'cat', lastFile], { allowFailure: true });
          served.push(out.trim());
        }
        const expected = `round ${round} save ${saves - 1} of run ${runId}`;
        const same =
          finalTag !== undefined &&
          recorded === finalTag &&
          running.length > 0 &&
          running.every((p) => p.tag === finalTag) &&
          served.every((text) => text === expected);
        const proof = `${pattern} round: plan of final tree ${finalTag}, deployed ${recorded}, ready pod ${running.map((p) => p.tag).join(',') || 'none'} serving "${served.join('", "')}" → ${same ? 'MATCH' : 'MISMATCH'}`;
        proofs.push(proof);
        ctx.log(`  ${proof} (${completed.length} iterations)`);
      }
      return {
        metrics: table.metrics(),
        facts: Object.fromEntries(proofs.map((p, i) => [`proof ${i + 1}`, p])),
        notes: [
          `${saves} writes across ${files} files that COPY site/ selects: even = one every ${spanMs / saves} ms; clustered = 10 × 20 writes, 200 ms apart.`,
          'Final-tree tag from `devloop plan --json` run afterwards; running tag from the ready, non-terminating pod; content read with kubectl exec.',
        ],
      };
    } finally {
      await harness?.stop();
      await project.remove();
    }
  },
};
