import { ok, type Result } from '../core/result.ts';
import { mergeReports, readInventory, refKey, refOf, removedLast, removeOwned, type TeardownReport, writeInventory } from './inventory.ts';
import { apiGroup, crdKind, isCrd } from './kinds.ts';
import { formatKubeError, type KubeClient, type KubeError } from './kube-client.ts';
import type { KubeObject, ObjectRef } from './kube-types.ts';
import { describeRef } from './kube-types.ts';

/** What `pruneRemoved` did with the objects no longer in the manifests. */
export interface PruneReport extends TeardownReport {
  /** Namespaces and CRDs left in place because objects of the manifests still need them. */
  readonly kept: readonly { readonly ref: ObjectRef; readonly why: string }[];
  /** The configured namespace, no longer declared: it stays, and is no longer this project's to delete. */
  readonly released: readonly ObjectRef[];
}

/**
 * Deletes what this project applied earlier (the inventory) and the
 * manifests no longer have, then drops it from the inventory. Only objects
 * still labelled as this project's are deleted; one someone took over is
 * dropped from the inventory and left alone. A Namespace that objects of the
 * manifests still use, or a CRD whose kind they still use, stays: deleting
 * it would delete them. The configured namespace stays and leaves the
 * inventory, like a namespace devloop creates by itself. An object whose
 * deletion failed stays in the inventory, for the next apply or `devloop down`.
 */
export async function pruneRemoved(
  client: KubeClient,
  options: { rootDir: string; namespace: string; manifests: readonly KubeObject[] },
): Promise<Result<PruneReport, KubeError>> {
  const inventory = await readInventory(client, options);
  if (!inventory.ok) return inventory;
  const current = options.manifests.map(refOf);
  const removed = inventory.value.filter((r) => !current.some((c) => sameObject(r, c)));
  const kept: { ref: ObjectRef; why: string }[] = [];
  const released = removed.filter((r) => isNamespace(r) && r.name === options.namespace);
  const candidates: ObjectRef[] = [];
  for (const ref of removed.filter((r) => !released.includes(r))) {
    const why = await stillNeeded(client, ref, options);
    if (!why.ok) return why;
    if (why.value) kept.push({ ref, why: why.value });
    else candidates.push(ref);
  }
  const order = [...candidates].reverse();
  const report = mergeReports(
    await removeOwned(client, { rootDir: options.rootDir, refs: order.filter((r) => !removedLast(r)) }),
    await removeOwned(client, { rootDir: options.rootDir, refs: order.filter(removedLast) }),
  );
  const dropped = new Set([...report.deleted, ...report.alreadyGone, ...report.skipped, ...released].map(refKey));
  if (dropped.size > 0) {
    const saved = await writeInventory(client, { ...options, refs: inventory.value.filter((r) => !dropped.has(refKey(r))) });
    if (!saved.ok) return saved;
  }
  return ok({ ...report, kept, released });
}

/**
 * The same object, whatever the version of its API: the manifests may move
 * it to a newer apiVersion. A namespace on one side only is a cluster-scoped
 * kind named with a namespace once; it is still the same object.
 */
function sameObject(a: ObjectRef, b: ObjectRef): boolean {
  return (
    a.kind === b.kind &&
    a.name === b.name &&
    apiGroup(a.apiVersion) === apiGroup(b.apiVersion) &&
    (a.namespace === b.namespace || !a.namespace || !b.namespace)
  );
}

/** Why a Namespace or CRD no longer in the manifests must stay; undefined when nothing needs it. */
async function stillNeeded(
  client: KubeClient,
  ref: ObjectRef,
  options: { manifests: readonly KubeObject[] },
): Promise<Result<string | undefined, KubeError>> {
  if (isNamespace(ref)) {
    const user = options.manifests.find((o) => o.metadata.namespace === ref.name);
    return ok(user ? `${describeRef(refOf(user))} of the manifests lives in it` : undefined);
  }
  if (!isCrd(ref)) return ok(undefined);
  const crd = await client.get(ref);
  if (!crd.ok) return crd;
  const served = crd.value && crdKind(crd.value);
  const user = served && options.manifests.find((o) => o.kind === served.kind && apiGroup(o.apiVersion) === served.group);
  return ok(user ? `${describeRef(refOf(user))} of the manifests is of its kind` : undefined);
}

function isNamespace(ref: ObjectRef): boolean {
  return ref.kind === 'Namespace' && apiGroup(ref.apiVersion) === '';
}

/** One line per object `pruneRemoved` removed, left or could not remove, for the log. */
export function pruneMessages(report: PruneReport): string[] {
  return [
    ...report.deleted.map((r) => `removed ${describeRef(r)}: no longer in the manifests`),
    ...report.skipped.map((r) => `left ${describeRef(r)} alone: no longer in the manifests, and no longer labelled as this project's`),
    ...report.kept.map((k) => `kept ${describeRef(k.ref)}: no longer in the manifests, but ${k.why}`),
    ...report.released.map(
      (r) => `kept ${describeRef(r)}: no longer in the manifests, but it is the configured namespace (devloop down leaves it now)`,
    ),
    ...report.failed.map((f) => `could not remove ${describeRef(f.ref)} (no longer in the manifests): ${formatKubeError(f.error)}`),
  ];
}
