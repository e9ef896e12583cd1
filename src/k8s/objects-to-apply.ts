import type { KubeObject } from './kube-types.ts';
import type { ResourceWorkload } from './resource-workload.ts';

/**
 * Which manifest objects an apply of `requested` resources sends: their own
 * workloads (never another resource's), and with `shared` every object that
 * is no resource's workload (Services, ConfigMaps, … — applied once, on the
 * first apply).
 */
export function objectsToApply(options: {
  objects: readonly KubeObject[];
  resources: Readonly<Record<string, ResourceWorkload>>;
  requested: readonly string[];
  shared: boolean;
}): KubeObject[] {
  const key = (w: { kind: string; name: string }) => `${w.kind}/${w.name}`;
  const workloads = new Set(Object.values(options.resources).map((r) => key(r.workload)));
  const wanted = new Set(options.requested.flatMap((name) => options.resources[name]?.workload ?? []).map(key));
  return options.objects.filter((o) => {
    const k = key({ kind: o.kind, name: o.metadata.name });
    return workloads.has(k) ? wanted.has(k) : options.shared;
  });
}
