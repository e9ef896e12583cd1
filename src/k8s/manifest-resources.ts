import { isFollowedKind } from './evaluate-workload.ts';
import type { KubeObject } from './kube-types.ts';

/** What this module reads of a configured resource. */
export interface NamedWorkload {
  readonly name: string;
  readonly workload: { readonly kind: string; readonly name: string; readonly kindGiven?: boolean };
}

/**
 * The resources of a session: the configured ones, each pointed at the
 * manifests' workload of its name when the config did not name a kind (a
 * `db` resource finds the StatefulSet `db`), plus one per workload of the
 * manifests that no configured resource claims — named like the workload,
 * or `<name>-<kind>` when that name is taken. So `resources` is needed only
 * to add port forwards, dependencies or triggers, or to rename. Pure.
 */
export function resourcesFromManifests<R extends NamedWorkload>(
  configured: Readonly<Record<string, R>>,
  objects: readonly KubeObject[],
  make: (name: string, workload: { kind: string; name: string }) => R,
): Record<string, R> {
  const workloads = objects.filter((o) => isFollowedKind(o.kind) && !o.metadata.ownerReferences?.length);
  const key = (w: { kind: string; name: string }) => `${w.kind}/${w.name}`;
  const out: Record<string, R> = {};
  for (const [name, resource] of Object.entries(configured)) out[name] = adoptKind(resource, workloads);
  const claimed = new Set(Object.values(out).map((r) => key(r.workload)));
  for (const object of workloads) {
    const workload = { kind: object.kind, name: object.metadata.name };
    if (claimed.has(key(workload))) continue;
    claimed.add(key(workload));
    const name = [workload.name, `${workload.name}-${workload.kind.toLowerCase()}`].find((n) => !(n in out));
    if (name) out[name] = make(name, workload);
  }
  return out;
}

function adoptKind<R extends NamedWorkload>(resource: R, workloads: readonly KubeObject[]): R {
  const { workload } = resource;
  if (workload.kindGiven || workloads.some((o) => o.kind === workload.kind && o.metadata.name === workload.name)) return resource;
  const named = workloads.filter((o) => o.metadata.name === workload.name);
  if (named.length !== 1) return resource;
  return { ...resource, workload: { ...workload, kind: named[0]?.kind ?? workload.kind } };
}

/** `dependsOn` entries that name no resource of the session (configured or from the manifests). */
export function unknownDependencies(
  resources: Readonly<Record<string, { readonly dependsOn: readonly string[] }>>,
): { resource: string; index: number; name: string }[] {
  return Object.entries(resources).flatMap(([resource, r]) =>
    r.dependsOn.flatMap((name, index) => (name in resources ? [] : [{ resource, index, name }])),
  );
}
