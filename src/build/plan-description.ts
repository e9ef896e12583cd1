import { unreachable } from '../core/unreachable.ts';
import type { BuildPlan } from './plan-images.ts';
import type { SyncPlan } from './sync-planner.ts';

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

/** `live update: sync site/index.html → /srv/index.html`, or why it rebuilds instead. */
export function describeLiveUpdate(sync: SyncPlan): string {
  if (sync.kind === 'rebuild') return `live update: no, rebuild (${sync.why})`;
  const files = sync.files.map((f) => `${f.kind === 'delete' ? 'delete ' : ''}${f.containerPath}`);
  return `live update: sync instead of rebuilding (${summarize(files)})${sync.runs.length ? `, then run ${sync.runs.map((r) => r.join(' ')).join('; ')}` : ''}`;
}

/** The JSON shape of an image's live-update answer in `devloop plan --json`. */
export function liveUpdateJson(sync: SyncPlan | undefined) {
  if (!sync || sync.kind === 'rebuild') return { kind: 'rebuild', why: sync?.why };
  return { kind: 'sync', files: sync.files.map((f) => ({ containerPath: f.containerPath, kind: f.kind })), runs: sync.runs };
}

function summarize(paths: readonly string[]): string {
  if (paths.length === 0) return 'inputs changed';
  return paths.length <= 3 ? paths.join(', ') : `${paths.slice(0, 3).join(', ')} +${paths.length - 3} more`;
}
