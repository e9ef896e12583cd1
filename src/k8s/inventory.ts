import { createHash } from 'node:crypto';
import { err, ok, type Result } from '../core/result.ts';
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
  const key = (r: ObjectRef) => `${r.apiVersion}/${r.kind}/${r.namespace ?? ''}/${r.name}`;
  const seen = new Set(all.map(key));
  for (const r of options.refs) {
    if (seen.has(key(r))) continue;
    all.push(r);
    seen.add(key(r));
  }
  const saved = await client.apply(
    markManaged(
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: inventoryName(options.rootDir), namespace: options.namespace },
        data: { objects: JSON.stringify(all) },
      },
      options.rootDir,
    ),
  );
  return saved.ok ? ok(all) : saved;
}

/** What `applyObjects` did with each object. */
export interface ApplyReport {
  readonly applied: readonly ObjectRef[];
  readonly failed: readonly { readonly ref: ObjectRef; readonly error: KubeError }[];
}

/**
 * Server-side applies `objects` (namespaces and CRDs first), each marked as
 * this project's, and records them in the inventory before applying anything
 * but namespaces, so a half-finished apply is still cleaned up by `down`.
 */
export async function applyObjects(
  client: KubeClient,
  options: { rootDir: string; namespace: string; objects: readonly KubeObject[] },
): Promise<Result<ApplyReport, KubeError>> {
  const ordered = orderForApply(options.objects);
  const applied: ObjectRef[] = [];
  const failed: { ref: ObjectRef; error: KubeError }[] = [];
  const applyOne = async (object: KubeObject) => {
    const result = await client.apply(markManaged(object, options.rootDir));
    if (result.ok) applied.push(refOf(object));
    else failed.push({ ref: refOf(object), error: result.error });
  };
  // Namespaces first: the inventory may live in one of them.
  const namespaces = ordered.filter((o) => o.kind === 'Namespace');
  for (const object of namespaces) await applyOne(object);
  const recorded = await recordApplied(client, { rootDir: options.rootDir, namespace: options.namespace, refs: ordered.map(refOf) });
  if (!recorded.ok) return recorded;
  for (const object of ordered.filter((o) => o.kind !== 'Namespace')) await applyOne(object);
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
  const report = {
    deleted: [] as ObjectRef[],
    alreadyGone: [] as ObjectRef[],
    skipped: [] as ObjectRef[],
    failed: [] as { ref: ObjectRef; error: KubeError }[],
  };
  const id = projectId(options.rootDir);
  const late = (r: ObjectRef) => r.kind === 'Namespace' || r.kind === 'CustomResourceDefinition';
  const order = [...inventory.value].reverse();
  const remove = async (ref: ObjectRef) => {
    const current = await client.get(ref);
    if (!current.ok) return void report.failed.push({ ref, error: current.error });
    if (!current.value) return void report.alreadyGone.push(ref);
    if (current.value.metadata.labels?.[PROJECT_LABEL] !== id) return void report.skipped.push(ref);
    const deleted = await client.delete(ref);
    if (!deleted.ok) report.failed.push({ ref, error: deleted.error });
    else if (deleted.value === 'deleted') report.deleted.push(ref);
    else report.alreadyGone.push(ref);
  };
  for (const ref of order.filter((r) => !late(r))) await remove(ref);
  if (report.failed.length === 0) {
    const inv = await client.delete({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      name: inventoryName(options.rootDir),
      namespace: options.namespace,
    });
    if (!inv.ok) return err(inv.error);
  }
  for (const ref of order.filter(late)) await remove(ref);
  return ok(report);
}
