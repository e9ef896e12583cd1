import { describe, expect, it } from 'vitest';
import { kubeProblem, refusedObjectsProblem } from './deploy-problems.ts';
import { rolloutProblem } from './rollout-problem.ts';

describe('the problems of deploying and rolling out', () => {
  it('an API failure says what to check when the cluster is down or the user may not act, and nothing it cannot know', () => {
    expect(kubeProblem('deploy', { reason: 'kube-forbidden', message: 'deployments.apps is forbidden' })).toEqual({
      stage: 'deploy',
      reason: 'kube-forbidden',
      message: 'deployments.apps is forbidden',
      fix: 'your kube user may not do this in that namespace',
    });
    expect(kubeProblem('deploy', { reason: 'kube-conflict', message: 'conflict' }).fix).toBeUndefined();
  });

  it('lists every refused object, and none is no problem', () => {
    const refused = refusedObjectsProblem([
      { ref: { apiVersion: 'v1', kind: 'Service', name: 'web' }, error: { reason: 'kube-invalid', message: 'bad port' } },
      { ref: { apiVersion: 'v1', kind: 'ConfigMap', name: 'cfg' }, error: { reason: 'kube-forbidden', message: 'forbidden' } },
    ]);
    expect(refused?.message).toBe('Service web was not applied: bad port');
    expect(refused?.details).toHaveLength(2);
    expect(refusedObjectsProblem([])).toBeUndefined();
  });

  it('a crash loop carries the last lines of the crashed run; other failures the cluster’s own message', () => {
    const crash = rolloutProblem({
      reason: 'crash-loop',
      pod: 'web-1',
      container: 'app',
      message: 'back-off restarting',
      fix: 'fix the app; its last lines are below',
      exitCode: 1,
      restartCount: 2,
      lastLines: ['Traceback', 'KeyError: PORT'],
    });
    expect(crash).toEqual({
      stage: 'rollout',
      reason: 'crash-loop',
      message: 'container app of pod web-1 exited with code 1 (2 restarts)',
      fix: 'fix the app; its last lines are below',
      details: ['Traceback', 'KeyError: PORT'],
    });
    const deadline = rolloutProblem({
      reason: 'rollout-deadline',
      workload: 'web',
      message: 'exceeded its progress deadline',
      fix: 'look at the events',
    });
    expect(deadline.details).toEqual(['exceeded its progress deadline']);
  });
});
