import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../core/diagnostic.ts';
import { buildProblem, cycleProblem, invalidPlanProblem } from './image-problems.ts';
import type { BuildPlan } from './plan-images.ts';

const invalid = (diagnostics: Diagnostic[]) => ({ name: 'api', diagnostics }) as unknown as BuildPlan;

describe('the problems of planning and building an image', () => {
  it('a failed build names the step, says the pods keep the previous image, and carries the output tail', () => {
    const problem = buildProblem('api', {
      reason: 'build-failed',
      step: { index: 4, text: 'RUN npm ci' },
      exitCode: 1,
      message: 'exit code 1',
      outputTail: ['npm ERR! missing script'],
    });
    expect(problem).toEqual({
      stage: 'build',
      reason: 'build-failed',
      message: 'api: step 4 RUN npm ci failed: exit code 1',
      fix: 'fix the error above and save; the running pods keep the previous image',
      details: ['npm ERR! missing script'],
    });
    expect(buildProblem('api', { reason: 'build-failed', step: undefined, exitCode: 1, message: 'boom', outputTail: [] }).message).toBe(
      'api: docker build failed: boom',
    );
  });

  it('an unreachable Docker engine says to start it; a cancelled build blames the newer change', () => {
    expect(buildProblem('api', { reason: 'docker-unavailable', message: 'Cannot connect to the Docker daemon' })).toEqual({
      stage: 'build',
      reason: 'docker-unavailable',
      message: 'Cannot connect to the Docker daemon',
      fix: 'start Docker (is the daemon running? `docker info`)',
    });
    expect(buildProblem('api', { reason: 'build-cancelled' })).toEqual({
      stage: 'build',
      reason: 'build-cancelled',
      message: 'cancelled by a newer change',
    });
  });

  it('a plan that cannot be made says which image, and why: a missing secret or a broken Dockerfile', () => {
    const secret = invalidPlanProblem(
      invalid([{ severity: 'error', code: 'build-secret-missing', message: 'secret npm: NPM_TOKEN is not set', hint: 'export NPM_TOKEN' }]),
    );
    expect(secret).toMatchObject({
      stage: 'plan',
      reason: 'build-secret-missing',
      message: 'image api: secret npm: NPM_TOKEN is not set',
      fix: 'export NPM_TOKEN',
    });
    const broken = invalidPlanProblem(invalid([{ severity: 'error', code: 'dockerfile-syntax', message: 'unknown instruction FORM' }]));
    expect(broken.reason).toBe('dockerfile-invalid');
    expect(broken.fix).toBeUndefined();
    expect(broken.details).toHaveLength(1);
    expect(cycleProblem(['a', 'b', 'a']).message).toBe('images build FROM each other in a cycle: a → b → a');
  });
});
