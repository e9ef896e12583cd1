import { unreachable } from '../core/unreachable.ts';
import type { BuildOutcome } from './build-images.ts';

/** One readable line per image after the build. */
export function describeOutcome(outcome: BuildOutcome): string {
  const { plan } = outcome;
  switch (outcome.kind) {
    case 'fresh':
      return `${plan.name}: fresh, not built (${plan.reference} already exists)`;
    case 'built': {
      const r = outcome.result;
      return `${plan.name}: built ${plan.reference} in ${(r.durationMs / 1000).toFixed(1)}s (${r.cachedSteps.length} steps from cache, ${r.executedSteps.length} run)`;
    }
    case 'skipped':
      return outcome.reason === 'invalid'
        ? `${plan.name}: not built (${plan.diagnostics[0]?.code === 'build-secret-missing' ? 'a build secret is missing' : 'the Dockerfile has errors'})`
        : `${plan.name}: not built (an image it depends on failed)`;
    case 'failed': {
      const f = outcome.failure;
      switch (f.reason) {
        case 'build-cancelled':
          return `${plan.name}: build cancelled`;
        case 'docker-unavailable':
          return `${plan.name}: docker is not available: ${f.message}`;
        case 'build-failed':
          return [
            `${plan.name}: build failed${f.step ? ` at step ${f.step.index} ${f.step.text}` : ''}: ${f.message}`,
            ...f.outputTail.slice(-15).map((l) => `  ${l}`),
          ].join('\n');
        default:
          return unreachable(f);
      }
    }
    default:
      return unreachable(outcome);
  }
}

/** The JSON shape of one image in `devloop build --json`. */
export function outcomeJson(outcome: BuildOutcome) {
  const base = { name: outcome.plan.name, reference: outcome.plan.reference, digest: outcome.plan.digest, decision: outcome.plan.decision };
  switch (outcome.kind) {
    case 'fresh':
      return { ...base, result: 'fresh' };
    case 'built':
      return {
        ...base,
        result: 'built',
        durationMs: Math.round(outcome.result.durationMs),
        cachedSteps: outcome.result.cachedSteps,
        executedSteps: outcome.result.executedSteps,
      };
    case 'skipped':
      return { ...base, result: 'skipped', reason: outcome.reason };
    case 'failed':
      return { ...base, result: 'failed', failure: outcome.failure };
    default:
      return unreachable(outcome);
  }
}
