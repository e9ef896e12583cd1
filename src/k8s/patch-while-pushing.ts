import type { KubeObject } from './kube-types.ts';

interface DeploymentSpec {
  readonly replicas?: number;
  readonly strategy?: {
    readonly type?: string;
    readonly rollingUpdate?: { readonly maxUnavailable?: number | string; readonly maxSurge?: number | string };
  };
}

/**
 * Whether the workload may be patched to an image whose push has not ended:
 * only a Deployment whose rolling update keeps every old pod until a new one
 * is ready (`maxUnavailable` resolves to 0 for its replicas, as the
 * Deployment controller resolves it). A pod that tries to pull too early is
 * then the only casualty, and the running pods serve throughout; `Recreate`,
 * or a rolling update allowed to stop old pods first, would lose them.
 */
export function patchableWhilePushing(workload: KubeObject | undefined): boolean {
  if (workload?.kind !== 'Deployment' || !workload.apiVersion.startsWith('apps/')) return false;
  const spec = ((workload as KubeObject & { spec?: DeploymentSpec }).spec ?? {}) as DeploymentSpec;
  if ((spec.strategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') return false;
  const replicas = spec.replicas ?? 1;
  const rolling = spec.strategy?.rollingUpdate ?? {};
  const unavailable = resolve(rolling.maxUnavailable ?? '25%', replicas, Math.floor);
  const surge = resolve(rolling.maxSurge ?? '25%', replicas, Math.ceil);
  // The controller lets one pod go when both resolve to 0.
  return unavailable === 0 && surge > 0;
}

/** An int-or-percent against `replicas`; an unreadable value counts as unknown (not 0). */
function resolve(value: number | string, replicas: number, round: (n: number) => number): number {
  if (typeof value === 'number') return value;
  const percent = /^(\d+)%$/.exec(value);
  if (percent) return round((Number(percent[1]) * replicas) / 100);
  return /^\d+$/.test(value) ? Number(value) : Number.NaN;
}
