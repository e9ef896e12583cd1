import { isPodReady, type Pod } from './kube-types.ts';

/** A pod a connection may be sent to, and how far the API says it has come. */
export interface ForwardTarget {
  readonly pod: string;
  /**
   * `starting`: on a node, its containers not reported running yet — the
   * kubelet reports a started container only at its next relist (up to a
   * second later), while its port may already answer.
   * `running`: every container runs, ready or not. `ready`: Ready.
   */
  readonly stage: 'starting' | 'running' | 'ready';
}

/** Waiting reasons after which a container will not listen soon: no connection is tried there early. */
const stuck = new Set([
  'CrashLoopBackOff',
  'ErrImagePull',
  'ImagePullBackOff',
  'ErrImageNeverPull',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
]);

/**
 * Where a new connection goes, in order: the newest pod that may be listening
 * (scheduled on a node, not finished, no container stuck), the newest pod whose
 * containers run, the newest ready pod — each only once. Newest by creation
 * time, then by the order the pods were first seen (`seen`, larger is newer:
 * creation times have one-second precision).
 */
export function forwardTargets(pods: Iterable<Pod>, seen: ReadonlyMap<string, number> = new Map()): ForwardTarget[] {
  const live = [...pods].filter((p) => !p.metadata.deletionTimestamp);
  live.sort(
    (a, b) =>
      (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? '') ||
      (seen.get(b.metadata.name) ?? 0) - (seen.get(a.metadata.name) ?? 0),
  );
  const found: ForwardTarget[] = [];
  for (const pod of [live.find(mayListen), live.find(isPodRunning), live.find(isPodReady)]) {
    if (pod && !found.some((t) => t.pod === pod.metadata.name)) found.push({ pod: pod.metadata.name, stage: stageOf(pod) });
  }
  return found;
}

function stageOf(pod: Pod): ForwardTarget['stage'] {
  return isPodReady(pod) ? 'ready' : isPodRunning(pod) ? 'running' : 'starting';
}

/** Every container of the pod has started and runs: it may be listening already. */
export function isPodRunning(pod: Pod): boolean {
  const statuses = pod.status?.containerStatuses ?? [];
  const containers = pod.spec?.containers?.length ?? statuses.length;
  return (
    pod.status?.phase === 'Running' &&
    statuses.length >= containers &&
    statuses.length > 0 &&
    statuses.every((s) => s.started === true && s.state?.running !== undefined)
  );
}

/** On a node and not finished, with no container stuck or exited: its port may answer now or soon. */
function mayListen(pod: Pod): boolean {
  const phase = pod.status?.phase;
  if (!pod.spec?.nodeName || phase === 'Succeeded' || phase === 'Failed') return false;
  return (pod.status?.containerStatuses ?? []).every((s) => {
    if (s.state?.terminated) return false;
    const reason = s.state?.waiting?.reason;
    return !(reason && stuck.has(reason));
  });
}
