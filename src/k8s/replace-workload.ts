import { createHash } from 'node:crypto';
import { err, ok, type Result } from '../core/result.ts';
import type { KubeClient, KubeError } from './kube-client.ts';
import { isOwnedBy, isPodReady, type KubeObject, type ObjectRef } from './kube-types.ts';
import { labelSelector } from './resource-workload.ts';

/** The hash of the spec devloop last applied to a Job or bare Pod, to tell whether it changed. */
export const SPEC_HASH_ANNOTATION = 'devloop.dev/spec-hash';

/**
 * Kinds whose pod spec cannot be changed in place: a Job's template is
 * immutable and a Pod's spec mostly is, so a change means delete and create.
 */
export function isRecreatedKind(kind: string): boolean {
  return kind === 'Job' || kind === 'Pod';
}

/** A copy of a Job or Pod annotated with the hash of its spec. */
export function withSpecHash(object: KubeObject): KubeObject {
  const hash = createHash('sha256')
    .update(JSON.stringify(object.spec ?? null))
    .digest('hex')
    .slice(0, 16);
  return { ...object, metadata: { ...object.metadata, annotations: { ...object.metadata.annotations, [SPEC_HASH_ANNOTATION]: hash } } };
}

function refOf(object: KubeObject): ObjectRef {
  return { apiVersion: object.apiVersion, kind: object.kind, name: object.metadata.name, namespace: object.metadata.namespace };
}

/**
 * Makes room for `object` (annotated by `withSpecHash`): nothing when it is
 * not in the cluster or is there with the same spec (unless `always`, for a
 * run asked for by hand); otherwise deletes it and
 * waits until it is gone (a pod's grace period included), so an apply creates
 * it anew.
 */
export async function clearForRecreate(
  client: KubeClient,
  object: KubeObject,
  options: { signal?: AbortSignal; timeoutMs?: number; pollMs?: number; always?: boolean } = {},
): Promise<Result<'absent' | 'unchanged' | 'deleted', KubeError>> {
  const ref = refOf(object);
  const live = await client.get(ref);
  if (!live.ok) return live;
  if (!live.value) return ok('absent');
  const want = object.metadata.annotations?.[SPEC_HASH_ANNOTATION];
  if (
    !options.always &&
    !live.value.metadata.deletionTimestamp &&
    want &&
    live.value.metadata.annotations?.[SPEC_HASH_ANNOTATION] === want
  ) {
    return ok('unchanged');
  }
  const deleted = await client.delete(ref);
  if (!deleted.ok) return deleted;
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  while (Date.now() < deadline) {
    if (options.signal?.aborted)
      return err({ reason: 'kube-aborted', message: `stopped waiting for ${object.kind} ${ref.name} to be deleted` });
    const again = await client.get(ref);
    if (!again.ok) return again;
    if (!again.value) return ok('deleted');
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 200));
  }
  return err({
    reason: 'kube-conflict',
    message: `${object.kind} ${ref.name} was still being deleted after ${Math.round((options.timeoutMs ?? 120_000) / 1000)} s`,
  });
}

/**
 * After a StatefulSet's or DaemonSet's template changed: with `OnDelete`
 * every pod is deleted so the controller re-creates it from the new
 * template; with a rolling update, pods that are not ready are deleted,
 * since the StatefulSet controller never replaces a broken pod by itself
 * (a crash-looping pod would hold the fixed revision back forever).
 */
export async function replaceStalePods(client: KubeClient, workload: KubeObject, namespace: string): Promise<Result<string[], KubeError>> {
  if (workload.kind !== 'StatefulSet' && workload.kind !== 'DaemonSet') return ok([]);
  const selector = labelSelector(workload);
  if (!selector) return ok([]);
  const live = await client.get({ ...refOf(workload), namespace });
  if (!live.ok) return live;
  if (!live.value) return ok([]);
  const owner = live.value;
  const onDelete = (owner.spec as { updateStrategy?: { type?: string } } | undefined)?.updateStrategy?.type === 'OnDelete';
  if (!onDelete && workload.kind === 'DaemonSet') return ok([]);
  const pods = await client.list({ apiVersion: 'v1', kind: 'Pod', namespace, labelSelector: selector });
  if (!pods.ok) return pods;
  const stale = pods.value.filter((p) => isOwnedBy(p, owner) && !p.metadata.deletionTimestamp && (onDelete || !isPodReady(p)));
  for (const pod of stale) {
    const deleted = await client.delete({ apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name, namespace });
    if (!deleted.ok) return deleted;
  }
  return ok(stale.map((p) => p.metadata.name));
}
