import type { Pod } from './kube-types.ts';

/** Waiting reasons of a container whose image could not be pulled. */
const pullFailures = new Set(['ErrImagePull', 'ImagePullBackOff']);

/**
 * Images a workload was patched to while their push was still under way. A
 * pod that tried to pull one before it landed failed for that reason alone:
 * such a failure is not diagnosed, and once the image has landed the pod is
 * deleted (its ReplicaSet makes a new one that pulls at once) instead of
 * waiting out the kubelet's pull back-off (10 s and more). A pod created
 * after the image landed gets no excuse: its failed pull is a real one.
 */
export class ArrivingImages {
  readonly #pending: Set<string>;
  readonly #landedAt = new Map<string, number>();
  readonly #retried = new Set<string>();
  readonly #now: () => number;

  constructor(refs: Iterable<string>, now: () => number = Date.now) {
    this.#pending = new Set(refs);
    this.#now = now;
  }

  /** The push of `ref` ended: it is in the registry now. */
  landed(ref: string): void {
    if (this.#pending.delete(ref)) this.#landedAt.set(ref, this.#now());
  }

  /** Whether `pod`'s failed pull of `image` is excused: the image was on its way when the pod tried. */
  excuses(pod: Pod, image: string): boolean {
    if (this.#pending.has(image)) return true;
    if (this.#retried.has(pod.metadata.uid ?? pod.metadata.name)) return true;
    const landedAt = this.#landedAt.get(image);
    return landedAt !== undefined && createdBefore(pod, landedAt);
  }

  /**
   * Pods to delete now: a container failed to pull an image that has landed
   * since the pod was made. Each pod is named once.
   */
  toRetry(pods: Iterable<Pod>): Pod[] {
    const out: Pod[] = [];
    for (const pod of pods) {
      const id = pod.metadata.uid ?? pod.metadata.name;
      if (this.#retried.has(id) || pod.metadata.deletionTimestamp) continue;
      const specs = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
      const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
      const failed = statuses.some((s) => {
        const image = specs.find((c) => c.name === s.name)?.image ?? s.image ?? '';
        const landedAt = this.#landedAt.get(image);
        return pullFailures.has(s.state?.waiting?.reason ?? '') && landedAt !== undefined && createdBefore(pod, landedAt);
      });
      if (failed) {
        this.#retried.add(id);
        out.push(pod);
      }
    }
    return out;
  }
}

/** Creation times have one-second precision: a pod made in the second the image landed counts as made before. */
function createdBefore(pod: Pod, at: number): boolean {
  const created = Date.parse(pod.metadata.creationTimestamp ?? '');
  return Number.isNaN(created) || created <= at;
}
