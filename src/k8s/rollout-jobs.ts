import { type DiagnoseOptions, diagnosePod } from './diagnosis.ts';
import { isOwnedBy, isPodReady, type Job, type KubeEvent, type KubeObject, type Pod } from './kube-types.ts';
import type { RolloutStatus } from './rollout.ts';

/** What the rollout watcher has seen of one Job, CronJob or bare Pod. */
export interface RunObservation<T> {
  readonly workload: T | undefined;
  readonly pods: readonly Pod[];
  readonly events: readonly KubeEvent[];
}

/**
 * A Job is ready when it completed. It fails as soon as one of its pods
 * fails (its exit code and last lines, not minutes later when the back-off
 * limit is spent), or when the Job itself is marked Failed. Pure.
 */
export function evaluateJob(observation: RunObservation<Job>, options: DiagnoseOptions = {}): RolloutStatus {
  const job = observation.workload;
  if (!job) return { state: 'waiting', reason: 'waiting for the Job to exist' };
  const name = job.metadata.name;
  const conditions = job.status?.conditions ?? [];
  const pods = observation.pods
    .filter((p) => isOwnedBy(p, job))
    .sort((a, b) => (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? ''));
  if (conditions.some((c) => c.type === 'Complete' && c.status === 'True')) {
    return { state: 'ready', pods: pods.filter((p) => p.status?.phase === 'Succeeded').map((p) => p.metadata.name), settled: true };
  }
  for (const pod of pods) {
    const failure = diagnosePod(pod, observation.events, options);
    if (failure) return { state: 'failed', failure };
  }
  const failed = conditions.find((c) => c.type === 'Failed' && c.status === 'True');
  if (failed) {
    return {
      state: 'failed',
      failure: {
        reason: 'workload-failed',
        workload: `Job/${name}`,
        message: failed.message ?? failed.reason ?? 'the Job failed',
        fix: 'Look at the Job (kubectl describe job) and its pods; devloop runs it again on the next change or trigger.',
      },
    };
  }
  const want = job.spec?.completions ?? 1;
  const succeeded = job.status?.succeeded ?? 0;
  const active = job.status?.active ?? 0;
  return { state: 'waiting', reason: `${succeeded} of ${want} completions${active > 0 ? `, ${active} running` : ''}` };
}

/** A bare Pod is ready when Ready, or when it ran to completion; failed when diagnosed or Failed. Pure. */
export function evaluatePod(observation: RunObservation<Pod>, options: DiagnoseOptions = {}): RolloutStatus {
  const pod = observation.workload;
  if (!pod) return { state: 'waiting', reason: 'waiting for the Pod to exist' };
  const name = pod.metadata.name;
  if (pod.metadata.deletionTimestamp) return { state: 'waiting', reason: 'waiting for the old Pod to end' };
  const failure = diagnosePod(pod, observation.events, options);
  if (failure) return { state: 'failed', failure };
  const phase = pod.status?.phase ?? 'Pending';
  if (phase === 'Succeeded') return { state: 'ready', pods: [name], settled: true };
  if (phase === 'Failed') {
    return {
      state: 'failed',
      failure: {
        reason: 'workload-failed',
        workload: `Pod/${name}`,
        message: pod.status?.message ?? pod.status?.reason ?? 'the pod failed',
        fix: 'Look at the pod (kubectl describe pod) and its logs.',
      },
    };
  }
  if (isPodReady(pod)) return { state: 'ready', pods: [name] };
  return { state: 'waiting', reason: `pod ${phase.toLowerCase()}` };
}

/** A CronJob is ready once it exists: devloop puts the new image in its template and does not run it. Pure. */
export function evaluateCronJob(observation: RunObservation<KubeObject>): RolloutStatus {
  if (!observation.workload) return { state: 'waiting', reason: 'waiting for the CronJob to exist' };
  return { state: 'ready', pods: [], settled: true };
}
