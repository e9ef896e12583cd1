import type { KubeClient, WatchHandle } from './kube-client.ts';
import type { Deployment, Pod } from './kube-types.ts';

/** Something done to a ready workload outside devloop. */
export type LiveChange =
  /** A container's image in the pod template is no longer the one devloop deployed (e.g. `kubectl set image`). */
  | { readonly kind: 'image-changed'; readonly container: string; readonly expected: string; readonly actual: string }
  /** A pod of the workload was deleted (by hand, by eviction, …); the Deployment replaces it. */
  | { readonly kind: 'pod-deleted'; readonly pod: string }
  /** Ready replicas against wanted ones, whenever the pair changes. */
  | { readonly kind: 'replicas'; readonly ready: number; readonly wanted: number }
  /** A container of a pod restarted (a new container from the image) and is ready again. */
  | { readonly kind: 'container-restarted'; readonly pod: string; readonly container: string };

/** What `watchWorkload` follows. */
export interface WatchWorkloadOptions {
  readonly client: KubeClient;
  readonly namespace: string;
  /** The Deployment's name. */
  readonly name: string;
  /** Its pods, e.g. `app=web`. */
  readonly labelSelector: string;
  /** Container name → image reference devloop deployed. */
  readonly expected: ReadonlyMap<string, string>;
  /** The pods the rollout found ready: one missing from the first listing was deleted before the watch began. */
  readonly readyPods?: readonly string[];
  readonly onChange: (change: LiveChange) => void;
}

/**
 * After a resource is ready, keeps watching its Deployment and pods so that
 * what someone does to them by hand is reported instead of silently
 * diverging from what devloop shows: an image changed in the pod template,
 * a pod deleted, fewer ready pods than wanted. Watches reconnect by
 * themselves (apiserver restarts); each distinct change is reported once.
 */
export function watchWorkload(options: WatchWorkloadOptions): WatchHandle {
  const { client, namespace, name, labelSelector, onChange } = options;
  let lastReplicas = '';
  const reportedImages = new Set<string>();
  const onDeployment = (deployment: Deployment) => {
    if (deployment.metadata.name !== name) return;
    for (const change of imageChanges(deployment, options.expected)) {
      const key = `${change.container}=${change.actual}`;
      if (reportedImages.has(key)) continue;
      reportedImages.add(key);
      onChange(change);
    }
    const replicas = replicaCounts(deployment);
    const key = `${replicas.ready}/${replicas.wanted}`;
    if (key !== lastReplicas) {
      // The first reading only sets the baseline: the workload was just seen ready.
      if (lastReplicas !== '') onChange({ kind: 'replicas', ...replicas });
      lastReplicas = key;
    }
  };
  const deployments = client.watch({ kind: 'Deployment', namespace, fieldSelector: `metadata.name=${name}` }, (event) => {
    if (event.type === 'sync') for (const o of event.objects) onDeployment(o as Deployment);
    else if (event.type === 'added' || event.type === 'modified') onDeployment(event.object as Deployment);
  });
  // Only pods of the deployed version count: old pods leaving after devloop's
  // own rollout, or after someone else's image change, are not news.
  // A deletion is news when it starts (the pod gets a deletionTimestamp), not
  // after its grace period; each pod is reported once.
  const deletedPods = new Set<string>();
  const noteDeletion = (name: string, pod: Pod | undefined) => {
    if (reportedImages.size > 0 || deletedPods.has(name) || (pod && !runsExpectedImages(pod, options.expected))) return;
    deletedPods.add(name);
    onChange({ kind: 'pod-deleted', pod: name });
  };
  // Restart counts as first seen; a higher count is reported once that container is ready again.
  const restarts = new Map<string, number>();
  const noteRestarts = (pod: Pod, baseline: boolean) => {
    for (const status of pod.status?.containerStatuses ?? []) {
      const key = `${pod.metadata.name}/${status.name}`;
      const count = status.restartCount ?? 0;
      const seen = restarts.get(key);
      if (seen === undefined || baseline) restarts.set(key, count);
      else if (count > seen && status.ready) {
        restarts.set(key, count);
        onChange({ kind: 'container-restarted', pod: pod.metadata.name, container: status.name });
      }
    }
  };
  const pods = client.watch({ kind: 'Pod', namespace, labelSelector }, (event) => {
    if (event.type === 'sync') {
      for (const o of event.objects) noteRestarts(o as Pod, !restarts.size);
      // A deletion that began before the watch did: a ready pod that is terminating, or already gone, in the first listing.
      const listed = new Map(event.objects.map((o) => [o.metadata.name, o as Pod]));
      for (const name of options.readyPods ?? []) {
        const found = listed.get(name);
        if (!found) noteDeletion(name, undefined);
        else if (found.metadata.deletionTimestamp) noteDeletion(name, found);
      }
      return;
    }
    if (event.type === 'reconnecting') return;
    const pod = event.object as Pod;
    if (event.type === 'added' || (event.type === 'modified' && !pod.metadata.deletionTimestamp)) {
      noteRestarts(pod, false);
      return;
    }
    noteDeletion(pod.metadata.name, pod);
  });
  return {
    stop: () => {
      deployments.stop();
      pods.stop();
    },
  };
}

/** Containers of the pod template whose image differs from the deployed one. */
export function imageChanges(
  deployment: Deployment,
  expected: ReadonlyMap<string, string>,
): Extract<LiveChange, { kind: 'image-changed' }>[] {
  const spec = deployment.spec?.template?.spec;
  const containers = [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])];
  const out: Extract<LiveChange, { kind: 'image-changed' }>[] = [];
  for (const c of containers) {
    const want = expected.get(c.name);
    if (want !== undefined && c.image !== undefined && c.image !== want) {
      out.push({ kind: 'image-changed', container: c.name, expected: want, actual: c.image });
    }
  }
  return out;
}

/** True when every container the pod shares with `expected` runs the expected image. */
function runsExpectedImages(pod: Pod, expected: ReadonlyMap<string, string>): boolean {
  const containers = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  const known = containers.filter((c) => expected.has(c.name));
  return known.length > 0 && known.every((c) => c.image === expected.get(c.name));
}

/** Ready and wanted replicas of a Deployment (wanted defaults to 1, as the API does). */
export function replicaCounts(deployment: Deployment): { ready: number; wanted: number } {
  return { ready: deployment.status?.readyReplicas ?? 0, wanted: deployment.spec?.replicas ?? 1 };
}
