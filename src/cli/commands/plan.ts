import * as path from 'node:path';
import { DockerBuilder } from '../../build/docker-builder.ts';
import { type BuildPlan, planImages } from '../../build/plan-images.ts';
import { LiveUpdatePlanner, liveUpdateOf, type SyncPlan } from '../../build/sync-planner.ts';
import type { ResolvedImage } from '../../config/resolved-config.ts';
import { formatDiagnostic } from '../../core/diagnostic.ts';
import { ExitCode } from '../../core/exit-code.ts';
import type { FileChange } from '../../core/file-change.ts';
import { unreachable } from '../../core/unreachable.ts';
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
  if ('failure' in result) {
    ctx.stderr.write(`images depend on each other in a cycle: ${result.failure.cycle.join(' → ')}\n`);
    return ExitCode.usage;
  }
  const live = changedPaths ? await liveUpdates(ctx, selection.images, result.plans, changedPaths) : new Map<string, SyncPlan>();
  if (options.json) {
    const images = result.plans.map((p) => ({ ...planJson(p), ...(live.has(p.name) ? { liveUpdate: liveJson(live.get(p.name)) } : {}) }));
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

/** The JSON shape of one image in `devloop plan --json`. */
export function planJson(plan: BuildPlan) {
  const step = plan.firstInvalidatedStep;
  return {
    name: plan.name,
    rebuild: plan.rebuild,
    firstInvalidatedStep: step ? { index: step.index, line: step.line, instruction: step.instruction, text: step.text } : null,
    totalSteps: plan.totalSteps,
    digest: plan.digest,
    tag: plan.tag,
    reference: plan.reference,
    changedInputs: plan.changedInputs,
    decision: plan.decision.kind === 'invalid' ? { kind: 'invalid', diagnostics: plan.decision.diagnostics } : plan.decision,
    dependencies: plan.dependencies,
  };
}

/** One readable line: `api: rebuild from step 5/7 COPY ./app ./app (app/main.py); steps 1–4 cached`. */
export function describePlan(plan: BuildPlan): string {
  const decision = plan.decision;
  switch (decision.kind) {
    case 'fresh':
      return decision.reason === 'image-exists'
        ? `${plan.name}: fresh (${plan.reference} exists)`
        : `${plan.name}: fresh (no input changed)`;
    case 'invalid':
      return `${plan.name}: cannot plan (${decision.diagnostics.map((d) => d.message).join('; ')})`;
    case 'rebuild': {
      const step = decision.firstInvalidatedStep;
      if (!step) {
        return decision.reason === 'never-built'
          ? `${plan.name}: build (no image for ${plan.reference}, no earlier build recorded)`
          : `${plan.name}: rebuild (${decision.changedInputs.join(', ') || 'inputs changed'})`;
      }
      const why = decision.reason === 'base-rebuilt' ? 'base image rebuilt' : summarize(decision.changedInputs);
      const cached = step.index <= 1 ? 'nothing cached' : step.index === 2 ? 'step 1 cached' : `steps 1–${step.index - 1} cached`;
      return `${plan.name}: rebuild from step ${step.index}/${plan.totalSteps} ${step.text} (${why}); ${cached}`;
    }
    default:
      return unreachable(decision);
  }
}

/** For images with live update that `--changed` would rebuild: whether those changes would be synced instead. */
async function liveUpdates(
  ctx: CliContext,
  images: readonly ResolvedImage[],
  plans: readonly BuildPlan[],
  changed: readonly string[],
): Promise<Map<string, SyncPlan>> {
  const byName = new Map(plans.map((p) => [p.name, p]));
  const planner = new LiveUpdatePlanner({
    config: { images: Object.fromEntries(images.map((i) => [i.name, i])) },
    latestPlan: (name) => byName.get(name),
  });
  const out = new Map<string, SyncPlan>();
  for (const image of images) {
    if (!liveUpdateOf(image) || !byName.get(image.name)?.rebuild) continue;
    const changes: FileChange[] = [];
    for (const p of changed) {
      const absolute = path.resolve(image.context, p);
      changes.push({ path: absolute, kind: (await ctx.fs.stat(absolute)) ? 'change' : 'unlink' });
    }
    const sync = await planner.planSync(image.name, changes);
    if (sync) out.set(image.name, sync);
  }
  return out;
}

/** `live update: sync site/index.html → /srv/index.html`, or why it rebuilds instead. */
export function describeLiveUpdate(sync: SyncPlan): string {
  if (sync.kind === 'rebuild') return `live update: no, rebuild (${sync.why})`;
  const files = sync.files.map((f) => `${f.kind === 'delete' ? 'delete ' : ''}${f.containerPath}`);
  return `live update: sync instead of rebuilding (${summarize(files)})${sync.runs.length ? `, then run ${sync.runs.map((r) => r.join(' ')).join('; ')}` : ''}`;
}

function liveJson(sync: SyncPlan | undefined) {
  if (!sync || sync.kind === 'rebuild') return { kind: 'rebuild', why: sync?.why };
  return { kind: 'sync', files: sync.files.map((f) => ({ containerPath: f.containerPath, kind: f.kind })), runs: sync.runs };
}

function summarize(paths: readonly string[]): string {
  if (paths.length === 0) return 'inputs changed';
  return paths.length <= 3 ? paths.join(', ') : `${paths.slice(0, 3).join(', ')} +${paths.length - 3} more`;
}
