import { type DiagnoseOptions, diagnosePod, type RolloutFailure } from './diagnosis.ts';
import { type Deployment, isOwnedBy, type KubeEvent, type Pod, type ReplicaSet } from './kube-types.ts';

/** What the rollout watcher has seen of one Deployment. */
export interface RolloutObservation {
  readonly deployment: Deployment | undefined;
  /** ReplicaSets in the namespace; those the Deployment does not own are ignored. */
  readonly replicaSets: readonly ReplicaSet[];
  /** Pods in the namespace; only the new ReplicaSet's are looked at. */
  readonly pods: readonly Pod[];
  readonly events: readonly KubeEvent[];
}

/**
 * Where a rollout stands:
 *
 * ```
 * waiting ──► ready
 *    └──────► failed {failure}
 * ```
 */
export type RolloutStatus =
  | { readonly state: 'waiting'; readonly reason: string }
  /** `settled`: nothing left that could still fail (a Job that completed), so no settling time is needed. */
  | { readonly state: 'ready'; readonly pods: readonly string[]; readonly settled?: boolean }
  | { readonly state: 'failed'; readonly failure: RolloutFailure };

const revisionAnnotation = 'deployment.kubernetes.io/revision';

/**
 * kubectl's `rollout status` rules for a Deployment, plus failing fast on the
 * new ReplicaSet's pods (which kubectl never does). Pure.
 */
export function evaluateRollout(observation: RolloutObservation, options: DiagnoseOptions = {}): RolloutStatus {
  const deployment = observation.deployment;
  if (!deployment) return { state: 'waiting', reason: 'waiting for the Deployment to exist' };
  const name = deployment.metadata.name;
  const generation = deployment.metadata.generation ?? 0;
  const status = deployment.status ?? {};
  if ((status.observedGeneration ?? 0) < generation) {
    return { state: 'waiting', reason: `waiting for the Deployment controller to see generation ${generation}` };
  }
  const newRs = newReplicaSet(deployment, observation.replicaSets);
  const newPods = newRs ? observation.pods.filter((p) => isOwnedBy(p, newRs) && !p.metadata.deletionTimestamp) : [];
  for (const pod of newPods) {
    const failure = diagnosePod(pod, observation.events, options);
    if (failure) return { state: 'failed', failure };
  }
  const progressing = status.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return {
      state: 'failed',
      failure: {
        reason: 'rollout-deadline',
        workload: `Deployment/${name}`,
        message: progressing.message ?? `Deployment ${name} exceeded its progress deadline`,
        fix: 'The new pods did not become available in time: look at the pods (kubectl describe) and their logs; raise progressDeadlineSeconds if the app is just slow to start.',
      },
    };
  }
  const want = deployment.spec?.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  const total = status.replicas ?? 0;
  const available = status.availableReplicas ?? 0;
  if (updated < want) return { state: 'waiting', reason: `${updated} of ${want} new replicas have been updated` };
  if (total > updated) return { state: 'waiting', reason: `${total - updated} old replicas are pending termination` };
  if (available < updated) return { state: 'waiting', reason: `${available} of ${updated} updated replicas are available` };
  return { state: 'ready', pods: newPods.map((p) => p.metadata.name) };
}

/** The ReplicaSet of the Deployment's current revision, as kubectl finds it. */
export function newReplicaSet(deployment: Deployment, replicaSets: readonly ReplicaSet[]): ReplicaSet | undefined {
  const owned = replicaSets.filter((rs) => isOwnedBy(rs, deployment));
  const revision = deployment.metadata.annotations?.[revisionAnnotation];
  const byRevision = revision ? owned.find((rs) => rs.metadata.annotations?.[revisionAnnotation] === revision) : undefined;
  if (byRevision) return byRevision;
  return [...owned].sort((a, b) => revisionOf(b) - revisionOf(a))[0];
}

function revisionOf(rs: ReplicaSet): number {
  return Number(rs.metadata.annotations?.[revisionAnnotation] ?? 0);
}
