import type { DiagnoseOptions } from './diagnosis.ts';
import type { DaemonSet, Deployment, Job, KubeEvent, KubeObject, Pod, ReplicaSet, StatefulSet } from './kube-types.ts';
import { evaluateRollout, type RolloutStatus } from './rollout.ts';
import { evaluateCronJob, evaluateJob, evaluatePod } from './rollout-jobs.ts';
import { evaluateDaemonSet, evaluateStatefulSet } from './rollout-sets.ts';

/** The workload kinds devloop deploys and follows by their own readiness rules. */
export const FOLLOWED_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Pod'] as const;
export type FollowedKind = (typeof FOLLOWED_KINDS)[number];

export function isFollowedKind(kind: string): kind is FollowedKind {
  return (FOLLOWED_KINDS as readonly string[]).includes(kind);
}

/** What the rollout watcher has seen of one workload. */
export interface WorkloadObservation {
  readonly workload: KubeObject | undefined;
  /** Only read for Deployments. */
  readonly replicaSets: readonly ReplicaSet[];
  readonly pods: readonly Pod[];
  readonly events: readonly KubeEvent[];
}

/** Where the rollout of a workload of `kind` stands, by that kind's rules. Pure. */
export function evaluateWorkload(kind: FollowedKind, observation: WorkloadObservation, options: DiagnoseOptions = {}): RolloutStatus {
  const { pods, events } = observation;
  switch (kind) {
    case 'Deployment':
      return evaluateRollout(
        { deployment: observation.workload as Deployment | undefined, replicaSets: observation.replicaSets, pods, events },
        options,
      );
    case 'StatefulSet':
      return evaluateStatefulSet({ workload: observation.workload as StatefulSet | undefined, pods, events }, options);
    case 'DaemonSet':
      return evaluateDaemonSet({ workload: observation.workload as DaemonSet | undefined, pods, events }, options);
    case 'Job':
      return evaluateJob({ workload: observation.workload as Job | undefined, pods, events }, options);
    case 'CronJob':
      return evaluateCronJob({ workload: observation.workload, pods, events });
    case 'Pod':
      return evaluatePod({ workload: observation.workload as Pod | undefined, pods, events }, options);
  }
}
