import type { BuildPlan, CacheDecision } from './plan-images.ts';

/** A plan for tests of what is said about plans: `api:devloop-abc`, 7 steps, no inputs. */
export function buildPlan(
  name: string,
  decision: CacheDecision,
  extra: { dependencies?: string[]; inputs?: Partial<BuildPlan['inputs']> } = {},
): BuildPlan {
  return {
    name,
    repository: name,
    rebuild: decision.kind === 'rebuild',
    firstInvalidatedStep: decision.kind === 'rebuild' ? decision.firstInvalidatedStep : null,
    totalSteps: 7,
    digest: 'sha256:abc',
    tag: 'devloop-abc',
    reference: `${name}:devloop-abc`,
    changedInputs: decision.kind === 'rebuild' ? decision.changedInputs : [],
    decision,
    dependencies: extra.dependencies ?? [],
    diagnostics: [],
    inputs: (extra.inputs ?? {}) as BuildPlan['inputs'],
  };
}
