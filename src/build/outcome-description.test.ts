import { describe, expect, it } from 'vitest';
import { buildPlan as plan } from './build-plan.test-support.ts';
import { describeOutcome, outcomeJson } from './outcome-description.ts';

describe('the words for a build', () => {
  const api = plan('api', { kind: 'rebuild', reason: 'never-built', changedInputs: [], firstInvalidatedStep: null });

  it('says what was built and how fast, what was not and why', () => {
    const built = {
      kind: 'built' as const,
      plan: api,
      result: {
        reference: api.reference,
        digest: 'sha256:d',
        builder: 'buildx' as const,
        durationMs: 1234.5,
        cachedSteps: [1, 2],
        executedSteps: [3],
      },
    };
    expect(describeOutcome(built)).toBe('api: built api:devloop-abc in 1.2s (2 steps from cache, 1 run)');
    expect(outcomeJson(built)).toMatchObject({ result: 'built', durationMs: 1235 });
    expect(describeOutcome({ kind: 'skipped', plan: api, reason: 'dependency-failed' })).toBe(
      'api: not built (an image it depends on failed)',
    );
    expect(describeOutcome({ kind: 'failed', plan: api, failure: { reason: 'docker-unavailable', message: 'no daemon' } })).toBe(
      'api: docker is not available: no daemon',
    );
  });

  it('shows the last lines of a failed build under it', () => {
    const failed = describeOutcome({
      kind: 'failed',
      plan: api,
      failure: {
        reason: 'build-failed',
        step: { index: 3, text: 'RUN make' },
        exitCode: 2,
        message: 'exit code 2',
        outputTail: ['make: *** [all] Error 1'],
      },
    });
    expect(failed).toBe('api: build failed at step 3 RUN make: exit code 2\n  make: *** [all] Error 1');
  });
});
