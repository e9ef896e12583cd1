import { DockerBuilder } from '../../build/docker-builder.ts';
import { describeLiveUpdate, describePlan, liveUpdateJson, planJson } from '../../build/plan-description.ts';
import { planImages } from '../../build/plan-images.ts';
import { planLiveUpdates, type SyncPlan } from '../../build/sync-planner.ts';
import { formatDiagnostic } from '../../core/diagnostic.ts';
import { ExitCode } from '../../core/exit-code.ts';
import type { CliContext } from '../cli-context.ts';
import { type ImageSource, openCaches, selectImages } from './image-selection.ts';

/** Options of `devloop plan`. */
export interface PlanOptions extends ImageSource {
  /** `--changed PATH...`: answer as if exactly these paths changed since the last build. */
  readonly changed?: readonly string[];
  readonly json?: boolean;
}

/**
 * `devloop plan`: per image, whether it must rebuild and from which step,
 * before any build runs. With `--changed` Docker is not consulted at all;
 * without it, the image for the current input digest is looked up in the
 * local engine (when reachable).
 */
export async function runPlan(ctx: CliContext, options: PlanOptions): Promise<ExitCode> {
  const selection = await selectImages(ctx, options);
  if ('usage' in selection) {
    ctx.stderr.write(`${selection.usage}\n`);
    return ExitCode.usage;
  }
  const { index, records } = await openCaches(ctx, selection.projectRoot);
  const changedPaths = options.changed && options.changed.length > 0 ? options.changed : undefined;
  const result = await planImages({
    images: selection.images,
    fs: ctx.fs,
    env: ctx.env,
    index,
    records,
    ...(changedPaths ? { changedPaths } : { builder: new DockerBuilder({ runner: ctx.runner }) }),
  });
  await index.save();
  await index.close();
  if ('failure' in result) {
    ctx.stderr.write(`images depend on each other in a cycle: ${result.failure.cycle.join(' → ')}\n`);
    return ExitCode.usage;
  }
  const live = changedPaths
    ? await planLiveUpdates({ fs: ctx.fs, images: selection.images, plans: result.plans, changed: changedPaths })
    : new Map<string, SyncPlan>();
  if (options.json) {
    const images = result.plans.map((p) => ({
      ...planJson(p),
      ...(live.has(p.name) ? { liveUpdate: liveUpdateJson(live.get(p.name)) } : {}),
    }));
    ctx.stdout.write(`${JSON.stringify({ images }, null, 2)}\n`);
  } else {
    for (const plan of result.plans) {
      ctx.stdout.write(`${describePlan(plan)}\n`);
      const sync = live.get(plan.name);
      if (sync) ctx.stdout.write(`  ${describeLiveUpdate(sync)}\n`);
    }
  }
  const invalid = result.plans.filter((p) => p.decision.kind === 'invalid');
  // Errors of images that cannot be planned, and warnings (a Dockerfile devloop cannot predict) of every image.
  for (const plan of result.plans)
    for (const d of plan.diagnostics)
      if (plan.decision.kind === 'invalid' || d.severity === 'warning') ctx.stderr.write(`${formatDiagnostic(d)}\n`);
  return invalid.length > 0 ? ExitCode.failure : ExitCode.ok;
}
