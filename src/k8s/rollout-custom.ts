import { type DiagnoseOptions, diagnosePod } from './diagnosis.ts';
import { isPodReady, type KubeEvent, type KubeObject, type Pod } from './kube-types.ts';
import type { RolloutStatus } from './rollout.ts';

/** What the rollout watcher has seen around a custom resource whose controller makes the pods. */
export interface CustomObservation {
  /** The resource as applied: its uid and its own labels. */
  readonly owner: {
    readonly kind: string;
    readonly name: string;
    readonly uid?: string;
    readonly labels: Readonly<Record<string, string>>;
  };
  /** The references devloop put in its image fields. */
  readonly images: readonly string[];
  /** Objects in between (ReplicaSets, Deployments, StatefulSets), to follow owner references from a pod up to the resource. */
  readonly owners: readonly KubeObject[];
  readonly pods: readonly Pod[];
  readonly events: readonly KubeEvent[];
}

/**
 * A custom resource is ready when its pods — owned by it through any chain
 * of owner references, or carrying all of its labels — run the new images
 * and are ready, and no pod of it runs an older image; it fails fast on
 * those pods' diagnosis. Pure.
 */
export function evaluateCustom(observation: CustomObservation, options: DiagnoseOptions = {}): RolloutStatus {
  const { owner, images } = observation;
  const byUid = new Map(observation.owners.flatMap((o) => (o.metadata.uid ? [[o.metadata.uid, o] as const] : [])));
  const ownedByResource = (object: KubeObject, depth = 0): boolean =>
    depth < 5 &&
    (object.metadata.ownerReferences ?? []).some((ref) => {
      if (owner.uid ? ref.uid === owner.uid : ref.kind === owner.kind && ref.name === owner.name) return true;
      const parent = byUid.get(ref.uid);
      return parent !== undefined && ownedByResource(parent, depth + 1);
    });
  const labels = Object.entries(owner.labels);
  const carriesLabels = (pod: Pod) => labels.length > 0 && labels.every(([k, v]) => pod.metadata.labels?.[k] === v);
  const pods = observation.pods.filter((p) => !p.metadata.deletionTimestamp && (ownedByResource(p) || carriesLabels(p)));
  const runsNew = (pod: Pod) =>
    images.length === 0 ||
    [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].some((c) => c.image !== undefined && images.includes(c.image));
  const current = pods.filter(runsNew);
  for (const pod of current) {
    const failure = diagnosePod(pod, observation.events, options);
    if (failure) return { state: 'failed', failure };
  }
  if (current.length === 0)
    return { state: 'waiting', reason: `waiting for the controller of ${owner.kind} ${owner.name} to start pods with the new image` };
  const old = pods.length - current.length;
  if (old > 0) return { state: 'waiting', reason: `${old} pods of ${owner.kind} ${owner.name} still run an older image` };
  const ready = current.filter(isPodReady).length;
  if (ready < current.length) return { state: 'waiting', reason: `${ready} of ${current.length} pods are ready` };
  return { state: 'ready', pods: current.map((p) => p.metadata.name) };
}
