import { describe, expect, it } from 'vitest';
import { buildPlan } from './build-plan.test-support.ts';
import { summarizePlan } from './image-plan.ts';
import type { CacheDecision } from './plan-images.ts';

const plan = (decision: CacheDecision, extra: { foreignFrontend?: string } = {}) =>
  buildPlan('api', decision, {
    inputs: { model: extra.foreignFrontend ? ({ foreignFrontend: extra.foreignFrontend } as never) : undefined },
  });

describe('summarizePlan', () => {
  it('names the first step to rebuild and up to three changed inputs', () => {
    const step = { index: 5, line: 5, instruction: 'COPY ./app ./app', text: 'COPY ./app ./app' };
    const changedInputs = ['a.py', 'b.py', 'c.py', 'd.py', 'e.py'];
    const summary = summarizePlan(plan({ kind: 'rebuild', reason: 'inputs-changed', changedInputs, firstInvalidatedStep: step }), true);
    expect(summary).toMatchObject({
      image: 'api',
      rebuild: true,
      firstInvalidatedStep: 'step 5/7 COPY ./app ./app',
      explanation: 'changed a.py, b.py, c.py and 2 more',
    });
  });

  it('says when a foreign frontend makes any change rebuild, and why a plan is fresh', () => {
    const rebuild = plan(
      { kind: 'rebuild', reason: 'never-built', changedInputs: [], firstInvalidatedStep: null },
      { foreignFrontend: 'docker/dockerfile-upstream:master' },
    );
    expect(summarizePlan(rebuild, true).explanation).toBe(
      'no image with this content digest yet (the frontend docker/dockerfile-upstream:master is not modelled: any change in the context rebuilds)',
    );
    expect(summarizePlan(rebuild, false).explanation).toBe('an image with this content digest exists');
    expect(summarizePlan(plan({ kind: 'fresh', reason: 'no-change' }), false).explanation).toBe('no input changed');
  });
});
