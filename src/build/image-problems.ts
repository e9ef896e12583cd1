import { formatDiagnostic } from '../core/diagnostic.ts';
import type { Problem } from '../core/problem.ts';
import type { BuildFailure } from './docker-builder.ts';
import type { BuildPlan } from './plan-images.ts';

/** Images that build FROM each other in a cycle cannot be planned. */
export function cycleProblem(cycle: readonly string[]): Problem {
  return { stage: 'plan', reason: 'dependency-cycle', message: `images build FROM each other in a cycle: ${cycle.join(' → ')}` };
}

/** A plan whose decision is `invalid`: the Dockerfile has errors, or a build secret is missing. */
export function invalidPlanProblem(plan: BuildPlan): Problem {
  const first = plan.diagnostics[0];
  return {
    stage: 'plan',
    reason: first?.code === 'build-secret-missing' ? 'build-secret-missing' : 'dockerfile-invalid',
    message: `image ${plan.name}: ${first?.message ?? 'cannot be planned'}`,
    ...(first?.hint ? { fix: first.hint } : {}),
    details: plan.diagnostics.map(formatDiagnostic),
  };
}

/** A build asked for with a plan this planner never made. */
export function notPlannedProblem(image: string): Problem {
  return { stage: 'build', reason: 'build-not-planned', message: `image ${image} was not planned` };
}

/** A failed build in the words the UI shows, with what to do. */
export function buildProblem(image: string, failure: BuildFailure): Problem {
  switch (failure.reason) {
    case 'build-cancelled':
      return { stage: 'build', reason: 'build-cancelled', message: 'cancelled by a newer change' };
    case 'docker-unavailable':
      return {
        stage: 'build',
        reason: 'docker-unavailable',
        message: failure.message,
        fix: 'start Docker (is the daemon running? `docker info`)',
      };
    case 'build-failed':
      return {
        stage: 'build',
        reason: 'build-failed',
        message: `${image}: ${failure.step ? `step ${failure.step.index} ${failure.step.text} failed` : 'docker build failed'}: ${failure.message}`,
        fix: 'fix the error above and save; the running pods keep the previous image',
        details: failure.outputTail,
      };
  }
}
