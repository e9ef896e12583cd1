import type { BuildPlan } from './plan-images.ts';

/** The plan answer for one image, as the loop carries it and the UI and the reports show it. */
export interface ImagePlan {
  readonly image: string;
  readonly rebuild: boolean;
  readonly tag: string;
  /** The local image reference, `repository:tag`. */
  readonly reference: string;
  readonly digest: string;
  /** e.g. `step 5/7 COPY ./app ./app`, or undefined when fresh. */
  readonly firstInvalidatedStep: string | undefined;
  readonly changedInputs: readonly string[];
  /** Why it is fresh or why it rebuilds, in words. */
  readonly explanation: string;
}

/** An image the loop built (or found built). */
export interface BuiltImage {
  readonly image: string;
  /** Local reference, `repo:tag`. */
  readonly ref: string;
  readonly tag: string;
  readonly cached: boolean;
  /** Which builder made it: `BuildKit` (buildx, or the engine's own) or `classic`. */
  readonly builder?: 'BuildKit' | 'classic';
  /** How BuildKit got the build: the engine's own endpoint (no process ran) or the buildx plugin. */
  readonly via?: 'engine' | 'buildx';
}

/**
 * The loop's view of a build plan. `rebuild` is the plan's, unless the image
 * was already built in this session (the digest's image exists now).
 */
export function summarizePlan(plan: BuildPlan, rebuild: boolean): ImagePlan {
  const step = plan.firstInvalidatedStep;
  return {
    image: plan.name,
    rebuild,
    tag: plan.tag,
    reference: plan.reference,
    digest: plan.digest,
    firstInvalidatedStep: step ? `step ${step.index}/${plan.totalSteps} ${step.instruction}` : undefined,
    changedInputs: plan.changedInputs,
    explanation: rebuild
      ? `${explainRebuild(plan)}${plan.inputs.model?.foreignFrontend ? ` (the frontend ${plan.inputs.model.foreignFrontend} is not modelled: any change in the context rebuilds)` : ''}`
      : plan.decision.kind === 'fresh' && plan.decision.reason === 'no-change'
        ? 'no input changed'
        : 'an image with this content digest exists',
  };
}

/** Why an image rebuilds, in words. */
function explainRebuild(plan: BuildPlan): string {
  if (plan.decision.kind !== 'rebuild') return 'changed';
  switch (plan.decision.reason) {
    case 'never-built':
      return 'no image with this content digest yet';
    case 'inputs-changed': {
      const shown = plan.changedInputs.slice(0, 3).join(', ');
      return `changed ${shown}${plan.changedInputs.length > 3 ? ` and ${plan.changedInputs.length - 3} more` : ''}`;
    }
    case 'settings-changed':
      return 'build settings changed (build args or target)';
    case 'base-rebuilt':
      return 'a devloop image it builds FROM was rebuilt';
  }
}
