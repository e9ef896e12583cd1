import { createHash } from 'node:crypto';
import type { Problem } from '../core/problem.ts';
import { err, ok, type Result } from '../core/result.ts';
import { type CrdWaitOptions, waitEstablished } from './crd-wait.ts';
import { isCrd } from './kinds.ts';
import type { KubeClient, KubeError } from './kube-client.ts';
import type { KubeObject, ObjectRef } from './kube-types.ts';
import { orderForApply } from './manifests.ts';

/**
 * How devloop remembers what it applied, so `devloop down` deletes exactly
 * that and nothing else:
 *
 * - every applied object carries the label `app.kubernetes.io/managed-by:
 *   devloop`, the label `devloop.dev/project: <hash of the config root>` and
 *   the annotation `devloop.dev/config-root: <absolute config root>`;
 * - an inventory ConfigMap `devloop-inventory-<hash>` in the default
 *   namespace lists every object applied (apiVersion, kind, namespace, name),
 *   accumulated over runs, so objects removed from the manifests later are
 *   still cleaned up.
 *
 * `down` deletes only objects that are in the inventory AND still carry this
 * project's label: an object someone else took over (or re-created without
 * the label) is left alone. The inventory avoids listing every kind in the
 * cluster; the label guards against deleting what is not ours.
 */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const PROJECT_LABEL = 'devloop.dev/project';
export const CONFIG_ROOT_ANNOTATION = 'devloop.dev/config-root';

/** A short stable id of a project, usable as a label value. */
export function projectId(rootDir: string): string {
  return createHash('sha256').update(rootDir).digest('hex').slice(0, 12);
}

/** Name of the inventory ConfigMap of a project. */
export function inventoryName(rootDir: string): string {
  return `devloop-inventory-${projectId(rootDir)}`;
}

/** A copy of `object` labelled and annotated as applied by this project. */
export function markManaged(object: KubeObject, rootDir: string): KubeObject {
  return {
    ...object,
    metadata: {
      ...object.metadata,
      labels: { ...object.metadata.labels, [MANAGED_BY_LABEL]: 'devloop', [PROJECT_LABEL]: projectId(rootDir) },
      annotations: { ...object.metadata.annotations, [CONFIG_ROOT_ANNOTATION]: rootDir },
    },
  };
}

/** The reference of an object. */
export function refOf(object: KubeObject): ObjectRef {
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    name: object.metadata.name,
    ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}),
  };
}

/** Reads a project's inventory; empty when there is none. */
export async function readInventory(
  client: KubeClient,
  options: { rootDir: string; namespace: string },
): Promise<Result<ObjectRef[], KubeError>> {
  const data = await client.readConfigMap(options.namespace, inventoryName(options.rootDir));
  if (!data.ok) return data;
  try {
    return ok(data.value?.objects ? (JSON.parse(data.value.objects) as ObjectRef[]) : []);
  } catch {
    return ok([]);
  }
}

/** Adds `refs` to the inventory (kept in first-applied order, without duplicates). */
export async function recordApplied(
  client: KubeClient,
  options: { rootDir: string; namespace: string; refs: readonly ObjectRef[] },
): Promise<Result<ObjectRef[], KubeError>> {
  const existing = await readInventory(client, options);
  if (!existing.ok) return existing;
  const all = [...existing.value];
  const seen = new Set(all.map(refKey));
  for (const r of options.refs) {
    if (seen.has(refKey(r))) continue;
    all.push(r);
    seen.add(refKey(r));
  }
  const saved = await writeInventory(client, { ...options, refs: all });
  return saved.ok ? ok(all) : saved;
}

/** Replaces the inventory's list with `refs`. */
export async function writeInventory(
  client: KubeClient,
  options: { rootDir: string; namespace: string; refs: readonly ObjectRef[] },
): Promise<Result<void, KubeError>> {
  const saved = await client.apply(
    markManaged(
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: inventoryName(options.rootDir), namespace: options.namespace },
        data: { objects: JSON.stringify(options.refs) },
      },
      options.rootDir,
    ),
  );
  return saved.ok ? ok(undefined) : saved;
}

/** One string per object reference, for sets. */
export function refKey(r: ObjectRef): string {
  return `${r.apiVersion}/${r.kind}/${r.namespace ?? ''}/${r.name}`;
}

/** What `applyObjects` did with each object. */
export interface ApplyReport {
  readonly applied: readonly ObjectRef[];
  readonly failed: readonly { readonly ref: ObjectRef; readonly error: KubeError }[];
  /** A CRD never got served: nothing after the CRDs was applied. */
  readonly stopped?: Problem;
}

/**
 * Server-side applies `objects` in apply order (see `orderForApply`), each
 * marked as this project's, and records them in the inventory before
 * applying anything but namespaces, so a half-finished apply is still cleaned
 * up by `down`. After the CRDs it waits until they are served, so the custom
 * objects that follow are accepted.
 */
export async function applyObjects(
  client: KubeClient,
  options: { rootDir: string; namespace: string; objects: readonly KubeObject[]; crdWait?: CrdWaitOptions },
): Promise<Result<ApplyReport, KubeError>> {
  const ordered = orderForApply(options.objects);
  const applied: ObjectRef[] = [];
  const failed: { ref: ObjectRef; error: KubeError }[] = [];
  const applyAll = async (objects: readonly KubeObject[]) => {
    const done: KubeObject[] = [];
    for (const object of objects) {
      const result = await client.apply(markManaged(object, options.rootDir));
      if (result.ok) {
        applied.push(refOf(object));
        done.push(object);
      } else failed.push({ ref: refOf(object), error: result.error });
    }
    return done;
  };
  // Namespaces first: the inventory may live in one of them.
  await applyAll(ordered.filter((o) => o.kind === 'Namespace'));
  const recorded = await recordApplied(client, { rootDir: options.rootDir, namespace: options.namespace, refs: ordered.map(refOf) });
  if (!recorded.ok) return recorded;
  const crds = await applyAll(ordered.filter(isCrd));
  if (crds.length > 0) {
    const served = await waitEstablished(client, crds, options.crdWait);
    if (!served.ok) return ok({ applied, failed, stopped: served.error });
  }
  await applyAll(ordered.filter((o) => o.kind !== 'Namespace' && !isCrd(o)));
  return ok({ applied, failed });
}

/** What `teardown` did with each object of the inventory. */
export interface TeardownReport {
  readonly deleted: readonly ObjectRef[];
  readonly alreadyGone: readonly ObjectRef[];
  /** In the inventory but no longer labelled as this project's: left alone. */
  readonly skipped: readonly ObjectRef[];
  readonly failed: readonly { readonly ref: ObjectRef; readonly error: KubeError }[];
}

/**
 * Deletes what this project applied and nothing else: namespaced objects in
 * reverse apply order, then the inventory, then namespaces and CRDs.
 */
export async function teardown(
  client: KubeClient,
  options: { rootDir: string; namespace: string },
): Promise<Result<TeardownReport, KubeError>> {
  const inventory = await readInventory(client, options);
  if (!inventory.ok) return inventory;
  const order = [...inventory.value].reverse();
  const report = await removeOwned(client, { rootDir: options.rootDir, refs: order.filter((r) => !removedLast(r)) });
  if (report.failed.length === 0) {
    const inv = await client.delete({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      name: inventoryName(options.rootDir),
      namespace: options.namespace,
    });
    if (!inv.ok) return err(inv.error);
  }
  const late = await removeOwned(client, { rootDir: options.rootDir, refs: order.filter(removedLast) });
  return ok(mergeReports(report, late));
}

/** Namespaces and CRDs go after everything else: deleting them deletes what is in them, or of their kind. */
export function removedLast(r: ObjectRef): boolean {
  return r.kind === 'Namespace' || isCrd(r);
}

/**
 * Deletes each of `refs` in order when it still carries this project's
 * label; one that is gone, or that someone else took over, is only reported.
 */
export async function removeOwned(client: KubeClient, options: { rootDir: string; refs: readonly ObjectRef[] }): Promise<TeardownReport> {
  const report = {
    deleted: [] as ObjectRef[],
    alreadyGone: [] as ObjectRef[],
    skipped: [] as ObjectRef[],
    failed: [] as { ref: ObjectRef; error: KubeError }[],
  };
  const id = projectId(options.rootDir);
  for (const ref of options.refs) {
    const current = await client.get(ref);
    if (!current.ok) {
      report.failed.push({ ref, error: current.error });
      continue;
    }
    if (!current.value) report.alreadyGone.push(ref);
    else if (current.value.metadata.labels?.[PROJECT_LABEL] !== id) report.skipped.push(ref);
    else {
      const deleted = await client.delete(ref);
      if (!deleted.ok) report.failed.push({ ref, error: deleted.error });
      else if (deleted.value === 'deleted') report.deleted.push(ref);
      else report.alreadyGone.push(ref);
    }
  }
  return report;
}

/** Two reports as one, in order. */
export function mergeReports(a: TeardownReport, b: TeardownReport): TeardownReport {
  return {
    deleted: [...a.deleted, ...b.deleted],
    alreadyGone: [...a.alreadyGone, ...b.alreadyGone],
    skipped: [...a.skipped, ...b.skipped],
    failed: [...a.failed, ...b.failed],
  };
}
