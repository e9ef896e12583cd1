import { DockerBuilder } from '../../build/docker-builder.ts';
import { type ImagePlan, planImages } from '../../build/plan-images.ts';
import { formatDiagnostic } from '../../core/diagnostic.ts';
import { ExitCode } from '../../core/exit-code.ts';
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
  if (options.json) {
    ctx.stdout.write(`${JSON.stringify({ images: result.plans.map(planJson) }, null, 2)}\n`);
  } else {
    for (const plan of result.plans) ctx.stdout.write(`${describePlan(plan)}\n`);
  }
  const invalid = result.plans.filter((p) => p.decision.kind === 'invalid');
  // Errors of images that cannot be planned, and warnings (a Dockerfile devloop cannot predict) of every image.
  for (const plan of result.plans)
    for (const d of plan.diagnostics)
      if (plan.decision.kind === 'invalid' || d.severity === 'warning') ctx.stderr.write(`${formatDiagnostic(d)}\n`);
  return invalid.length > 0 ? ExitCode.failure : ExitCode.ok;
}

/** The JSON shape of one image in `devloop plan --json`. */
export function planJson(plan: ImagePlan) {
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
export function describePlan(plan: ImagePlan): string {
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

function summarize(paths: readonly string[]): string {
  if (paths.length === 0) return 'inputs changed';
  return paths.length <= 3 ? paths.join(', ') : `${paths.slice(0, 3).join(', ')} +${paths.length - 3} more`;
}
