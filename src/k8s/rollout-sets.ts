import { type DiagnoseOptions, diagnosePod } from './diagnosis.ts';
import { type DaemonSet, isOwnedBy, isPodReady, type KubeEvent, type Pod, type StatefulSet } from './kube-types.ts';
import type { RolloutStatus } from './rollout.ts';

/** What the rollout watcher has seen of one StatefulSet or DaemonSet. */
export interface SetObservation<T> {
  readonly workload: T | undefined;
  readonly pods: readonly Pod[];
  readonly events: readonly KubeEvent[];
}

/** The label the StatefulSet and DaemonSet controllers put on a pod: the revision it was made from. */
export const REVISION_LABEL = 'controller-revision-hash';
/** The label the DaemonSet controller puts on a pod: the generation of the template it was made from. */
export const TEMPLATE_GENERATION_LABEL = 'pod-template-generation';

/**
 * kubectl's `rollout status` rules for a StatefulSet, failing fast on the new
 * revision's pods. With `updateStrategy: OnDelete` (which kubectl refuses to
 * follow) the rollout is ready when every pod runs the new revision: devloop
 * deletes the old pods after a patch, so the controller re-creates them. A
 * `partition` is honoured: ready when the pods at or above it are updated. Pure.
 */
export function evaluateStatefulSet(observation: SetObservation<StatefulSet>, options: DiagnoseOptions = {}): RolloutStatus {
  const sts = observation.workload;
  if (!sts) return { state: 'waiting', reason: 'waiting for the StatefulSet to exist' };
  const status = sts.status ?? {};
  const generation = sts.metadata.generation ?? 0;
  if ((status.observedGeneration ?? 0) < generation) {
    return { state: 'waiting', reason: `waiting for the StatefulSet controller to see generation ${generation}` };
  }
  const revision = status.updateRevision;
  const owned = observation.pods.filter((p) => isOwnedBy(p, sts) && !p.metadata.deletionTimestamp);
  const current = owned.filter((p) => revision !== undefined && p.metadata.labels?.[REVISION_LABEL] === revision);
  const failed = firstFailure(current, observation.events, options);
  if (failed) return failed;
  const want = sts.spec?.replicas ?? 1;
  const ready = status.readyReplicas ?? 0;
  const updated = status.updatedReplicas ?? 0;
  const names = current.map((p) => p.metadata.name);
  if (sts.spec?.updateStrategy?.type === 'OnDelete') {
    const old = owned.length - current.length;
    if (old > 0)
      return {
        state: 'waiting',
        reason: `${old} pods still run the old revision (updateStrategy OnDelete: they are deleted to be re-created)`,
      };
    if (current.filter(isPodReady).length < want)
      return { state: 'waiting', reason: `${current.filter(isPodReady).length} of ${want} pods are ready` };
    return { state: 'ready', pods: names };
  }
  if (ready < want) return { state: 'waiting', reason: `${ready} of ${want} pods are ready` };
  const partition = sts.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
  if (partition > 0) {
    const expected = Math.max(0, want - partition);
    if (updated < expected) {
      return {
        state: 'waiting',
        reason: `${updated} of ${expected} pods updated (partition ${partition} keeps ordinals below it on the old revision)`,
      };
    }
    return { state: 'ready', pods: names };
  }
  if (status.updateRevision !== status.currentRevision) {
    return { state: 'waiting', reason: `${updated} of ${want} pods run the new revision` };
  }
  return { state: 'ready', pods: names };
}

/**
 * kubectl's `rollout status` rules for a DaemonSet, failing fast on the pods
 * of the current template generation. `OnDelete` as for StatefulSets. Pure.
 */
export function evaluateDaemonSet(observation: SetObservation<DaemonSet>, options: DiagnoseOptions = {}): RolloutStatus {
  const ds = observation.workload;
  if (!ds) return { state: 'waiting', reason: 'waiting for the DaemonSet to exist' };
  const status = ds.status ?? {};
  const generation = ds.metadata.generation ?? 0;
  if ((status.observedGeneration ?? 0) < generation) {
    return { state: 'waiting', reason: `waiting for the DaemonSet controller to see generation ${generation}` };
  }
  const owned = observation.pods.filter((p) => isOwnedBy(p, ds) && !p.metadata.deletionTimestamp);
  const current = owned.filter((p) => p.metadata.labels?.[TEMPLATE_GENERATION_LABEL] === String(generation));
  const failed = firstFailure(current, observation.events, options);
  if (failed) return failed;
  const want = status.desiredNumberScheduled ?? 0;
  const names = current.map((p) => p.metadata.name);
  if (ds.spec?.updateStrategy?.type === 'OnDelete') {
    const old = owned.length - current.length;
    if (old > 0)
      return {
        state: 'waiting',
        reason: `${old} pods still run the old template (updateStrategy OnDelete: they are deleted to be re-created)`,
      };
  } else if ((status.updatedNumberScheduled ?? 0) < want) {
    return { state: 'waiting', reason: `${status.updatedNumberScheduled ?? 0} of ${want} new pods have been scheduled` };
  }
  const available = ds.spec?.updateStrategy?.type === 'OnDelete' ? current.filter(isPodReady).length : (status.numberAvailable ?? 0);
  if (available < want) return { state: 'waiting', reason: `${available} of ${want} updated pods are available` };
  return { state: 'ready', pods: names };
}

function firstFailure(pods: readonly Pod[], events: readonly KubeEvent[], options: DiagnoseOptions): RolloutStatus | undefined {
  for (const pod of pods) {
    const failure = diagnosePod(pod, events, options);
    if (failure) return { state: 'failed', failure };
  }
  return undefined;
}
