import { describe, expect, it } from 'vitest';
import { deployment, pod, replicaSet } from './pod-fixtures.test-support.ts';
import { evaluateRollout } from './rollout.ts';

const sets = [replicaSet('web-5f6c7d', '1'), replicaSet('web-7d4b9c', '2')];

describe('evaluateRollout', () => {
  it('waits until the controller observed the new generation', () => {
    const s = evaluateRollout({ deployment: deployment({ generation: 3, observed: 2 }), replicaSets: sets, pods: [], events: [] });
    expect(s).toEqual({ state: 'waiting', reason: 'waiting for the Deployment controller to see generation 3' });
  });

  it('waits for updated, old and available replicas like kubectl', () => {
    const base = { replicaSets: sets, pods: [], events: [] };
    expect(evaluateRollout({ ...base, deployment: deployment({ replicas: 2, updated: 1, total: 2, available: 1 }) })).toMatchObject({
      reason: '1 of 2 new replicas have been updated',
    });
    expect(evaluateRollout({ ...base, deployment: deployment({ updated: 1, total: 2, available: 1 }) })).toMatchObject({
      reason: '1 old replicas are pending termination',
    });
    expect(evaluateRollout({ ...base, deployment: deployment({ updated: 1, total: 1, available: 0 }) })).toMatchObject({
      reason: '0 of 1 updated replicas are available',
    });
  });

  it('is ready when every replica is updated and available, naming the new pods', () => {
    const s = evaluateRollout({
      deployment: deployment(),
      replicaSets: sets,
      pods: [pod({ ready: true }), pod({ name: 'web-5f6c7d-old', rs: 'web-5f6c7d' })],
      events: [],
    });
    expect(s).toEqual({ state: 'ready', pods: ['web-7d4b9c-x2x9z'] });
  });

  it('fails fast on a pod of the new ReplicaSet', () => {
    const crashing = pod({
      status: {
        restartCount: 1,
        state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 10s' } },
        lastState: { terminated: { exitCode: 1 } },
      },
    });
    const s = evaluateRollout({
      deployment: deployment({ updated: 1, total: 2, available: 0 }),
      replicaSets: sets,
      pods: [crashing],
      events: [],
    });
    expect(s).toMatchObject({ state: 'failed', failure: { reason: 'crash-loop', exitCode: 1 } });
  });

  it('ignores failing pods of old ReplicaSets', () => {
    const oldCrashing = pod({ name: 'web-5f6c7d-a', rs: 'web-5f6c7d', status: { state: { waiting: { reason: 'CrashLoopBackOff' } } } });
    const s = evaluateRollout({
      deployment: deployment({ updated: 1, total: 2, available: 1 }),
      replicaSets: sets,
      pods: [oldCrashing],
      events: [],
    });
    expect(s.state).toBe('waiting');
  });

  it('fails at the progress deadline when no pod explains why', () => {
    const d = deployment({
      available: 0,
      conditions: [
        {
          type: 'Progressing',
          status: 'False',
          reason: 'ProgressDeadlineExceeded',
          message: 'ReplicaSet "web-7d4b9c" has timed out progressing.',
        },
      ],
    });
    const s = evaluateRollout({ deployment: d, replicaSets: sets, pods: [pod({})], events: [] });
    expect(s).toMatchObject({ state: 'failed', failure: { reason: 'rollout-deadline', workload: 'Deployment/web' } });
  });

  it('waits for a Deployment that does not exist yet', () => {
    expect(evaluateRollout({ deployment: undefined, replicaSets: [], pods: [], events: [] }).state).toBe('waiting');
  });
});
