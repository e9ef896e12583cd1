import type { BuildPlan } from './plan-images.ts';

/** The plans of the named images and of every devloop image they build FROM (all plans when none is named), in plan order. */
export function withDependencies(plans: readonly BuildPlan[], names: readonly string[] | undefined): BuildPlan[] {
  if (!names || names.length === 0) return [...plans];
  const byName = new Map(plans.map((p) => [p.name, p]));
  const wanted = new Set<string>();
  const add = (n: string): void => {
    if (wanted.has(n)) return;
    wanted.add(n);
    for (const d of byName.get(n)?.dependencies ?? []) add(d);
  };
  for (const n of names) add(n);
  return plans.filter((p) => wanted.has(p.name));
}
