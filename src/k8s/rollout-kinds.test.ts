import { describe, expect, it } from 'vitest';
import { evaluateWorkload } from './evaluate-workload.ts';
import type { DaemonSet, Job, KubeObject, Pod, StatefulSet } from './kube-types.ts';
import { pod } from './pod-fixtures.test-support.ts';

const owner = (kind: string, name: string) => [{ kind, name, uid: `${name}-uid`, controller: true }];

function setPod(name: string, kind: string, owner_: string, labels: Record<string, string>, ready: boolean, extra: Partial<Pod> = {}): Pod {
  const p = pod({ name, ready, status: ready ? { ready: true, started: true, state: { running: {} } } : {} });
  return { ...p, metadata: { ...p.metadata, labels, ownerReferences: owner(kind, owner_) }, ...extra };
}

function statefulSet(status: NonNullable<StatefulSet['status']>, spec: StatefulSet['spec'] = {}, generation = 2): StatefulSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db', uid: 'db-uid', generation },
    spec: { replicas: 2, ...spec },
    status,
  };
}

const observe = (workload: KubeObject | undefined, pods: Pod[] = []) => ({ workload, replicaSets: [], pods, events: [] });

describe('StatefulSet rollout, by kubectl rules', () => {
  const done = { observedGeneration: 2, readyReplicas: 2, updatedReplicas: 2, currentRevision: 'db-2', updateRevision: 'db-2' };
  const pods = [
    setPod('db-0', 'StatefulSet', 'db', { 'controller-revision-hash': 'db-2' }, true),
    setPod('db-1', 'StatefulSet', 'db', { 'controller-revision-hash': 'db-2' }, true),
  ];

  it('waits for the controller, then for ready pods, then for the revision to settle', () => {
    expect(evaluateWorkload('StatefulSet', observe(statefulSet({ ...done, observedGeneration: 1 })))).toMatchObject({
      reason: 'waiting for the StatefulSet controller to see generation 2',
    });
    expect(evaluateWorkload('StatefulSet', observe(statefulSet({ ...done, readyReplicas: 1 })))).toMatchObject({
      reason: '1 of 2 pods are ready',
    });
    expect(evaluateWorkload('StatefulSet', observe(statefulSet({ ...done, currentRevision: 'db-1', updatedReplicas: 1 })))).toMatchObject({
      reason: '1 of 2 pods run the new revision',
    });
    expect(evaluateWorkload('StatefulSet', observe(statefulSet(done), pods))).toEqual({ state: 'ready', pods: ['db-0', 'db-1'] });
  });

  it('is ready with a partition once the pods at or above it are updated', () => {
    const partitioned = { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } };
    const half = { ...done, currentRevision: 'db-1', updatedReplicas: 0 };
    expect(evaluateWorkload('StatefulSet', observe(statefulSet(half, partitioned)))).toMatchObject({ state: 'waiting' });
    expect(evaluateWorkload('StatefulSet', observe(statefulSet({ ...half, updatedReplicas: 1 }, partitioned)))).toMatchObject({
      state: 'ready',
    });
  });

  it('with OnDelete waits until no pod runs the old revision', () => {
    const onDelete = { updateStrategy: { type: 'OnDelete' } };
    const old = [pods[0] as Pod, setPod('db-1', 'StatefulSet', 'db', { 'controller-revision-hash': 'db-1' }, true)];
    expect(evaluateWorkload('StatefulSet', observe(statefulSet(done, onDelete), old))).toMatchObject({
      reason: '1 pods still run the old revision (updateStrategy OnDelete: they are deleted to be re-created)',
    });
    expect(evaluateWorkload('StatefulSet', observe(statefulSet(done, onDelete), pods))).toMatchObject({ state: 'ready' });
  });

  it('fails fast on a crash-looping pod of the new revision, not on an old one', () => {
    const crashing = setPod('db-1', 'StatefulSet', 'db', { 'controller-revision-hash': 'db-2' }, false, {});
    crashing.status = {
      ...crashing.status,
      containerStatuses: [{ name: 'app', restartCount: 2, state: { waiting: { reason: 'CrashLoopBackOff' } } }],
    };
    const oldCrashing = { ...crashing, metadata: { ...crashing.metadata, labels: { 'controller-revision-hash': 'db-1' } } };
    const waiting = { ...done, readyReplicas: 1 };
    expect(evaluateWorkload('StatefulSet', observe(statefulSet(waiting), [crashing]))).toMatchObject({
      state: 'failed',
      failure: { reason: 'crash-loop', pod: 'db-1' },
    });
    expect(evaluateWorkload('StatefulSet', observe(statefulSet(waiting), [oldCrashing]))).toMatchObject({ state: 'waiting' });
  });
});

describe('DaemonSet rollout, by kubectl rules', () => {
  const ds = (status: NonNullable<DaemonSet['status']>): DaemonSet => ({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', uid: 'agent-uid', generation: 3 },
    spec: {},
    status: { observedGeneration: 3, desiredNumberScheduled: 1, ...status },
  });
  it('waits for updated then available pods, and names the current generation’s pods', () => {
    const p = setPod('agent-x', 'DaemonSet', 'agent', { 'pod-template-generation': '3' }, true);
    expect(evaluateWorkload('DaemonSet', observe(ds({ updatedNumberScheduled: 0 })))).toMatchObject({
      reason: '0 of 1 new pods have been scheduled',
    });
    expect(evaluateWorkload('DaemonSet', observe(ds({ updatedNumberScheduled: 1, numberAvailable: 0 })))).toMatchObject({
      reason: '0 of 1 updated pods are available',
    });
    expect(evaluateWorkload('DaemonSet', observe(ds({ updatedNumberScheduled: 1, numberAvailable: 1 }), [p]))).toEqual({
      state: 'ready',
      pods: ['agent-x'],
    });
  });
});

describe('Job', () => {
  const job = (status: NonNullable<Job['status']>): Job => ({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'migrate', uid: 'migrate-uid' },
    spec: {},
    status,
  });
  const exited = (code: number): Pod => {
    const p = setPod('migrate-abc', 'Job', 'migrate', {}, false);
    return {
      ...p,
      spec: { ...(p.spec as Pod['spec'] & object), restartPolicy: 'Never' },
      status: {
        phase: code ? 'Failed' : 'Succeeded',
        containerStatuses: [{ name: 'app', state: { terminated: { exitCode: code, reason: code ? 'Error' : 'Completed' } } }],
      },
    };
  };

  it('is ready, and settled, once complete', () => {
    const s = evaluateWorkload('Job', observe(job({ succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] }), [exited(0)]));
    expect(s).toEqual({ state: 'ready', pods: ['migrate-abc'], settled: true });
  });

  it('fails on its first failed pod with the exit code, before the back-off limit is spent', () => {
    const s = evaluateWorkload('Job', observe(job({ active: 0, failed: 1 }), [exited(3)]));
    expect(s).toMatchObject({
      state: 'failed',
      failure: { reason: 'container-exited', exitCode: 3, pod: 'migrate-abc', container: 'app' },
    });
  });

  it('fails when the Job is marked Failed, and waits while it runs', () => {
    const failed = job({
      conditions: [
        { type: 'Failed', status: 'True', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' },
      ],
    });
    expect(evaluateWorkload('Job', observe(failed))).toMatchObject({
      state: 'failed',
      failure: { reason: 'workload-failed', workload: 'Job/migrate' },
    });
    expect(evaluateWorkload('Job', observe(job({ active: 1 })))).toEqual({ state: 'waiting', reason: '0 of 1 completions, 1 running' });
  });
});

describe('bare Pod and CronJob', () => {
  it('a Pod is ready when Ready or Succeeded, waits while the old one terminates', () => {
    const ready = {
      ...pod({ name: 'tool', ready: true }),
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
    } as Pod;
    expect(evaluateWorkload('Pod', observe(ready))).toEqual({ state: 'ready', pods: ['tool'] });
    expect(evaluateWorkload('Pod', observe({ ...ready, metadata: { ...ready.metadata, deletionTimestamp: 'now' } }))).toMatchObject({
      state: 'waiting',
    });
    expect(evaluateWorkload('Pod', observe({ ...ready, status: { phase: 'Succeeded' } }))).toMatchObject({ state: 'ready', settled: true });
  });

  it('a CronJob is ready once it exists', () => {
    expect(evaluateWorkload('CronJob', observe(undefined))).toMatchObject({ state: 'waiting' });
    const cron = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly' } };
    expect(evaluateWorkload('CronJob', observe(cron))).toEqual({ state: 'ready', pods: [], settled: true });
  });
});
