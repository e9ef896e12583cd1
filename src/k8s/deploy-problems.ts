import { describeManifestSource, type ManifestSource } from '../core/manifest-source.ts';
import type { FailureReason, Problem } from '../core/problem.ts';
import { apiGroup, isBuiltInGroup } from './kinds.ts';
import { formatKubeError, type KubeError } from './kube-client.ts';
import type { KubeObject, ObjectRef } from './kube-types.ts';

/** A Kubernetes API failure as a problem the UI can show. */
export function kubeProblem(stage: Problem['stage'], error: { reason: FailureReason; message: string }): Problem {
  const fix =
    error.reason === 'kube-unreachable'
      ? 'is the cluster running? `k3d cluster list`, `kubectl cluster-info`'
      : error.reason === 'kube-forbidden'
        ? 'your kube user may not do this in that namespace'
        : undefined;
  return { stage, reason: error.reason, message: error.message, ...(fix ? { fix } : {}) };
}

/** A resource whose workload none of the manifests defines. */
export function missingWorkloadProblem(options: {
  resource: string;
  workload: { kind: string; name: string } | undefined;
  manifests: readonly ManifestSource[];
  rootDir: string;
}): Problem {
  const { resource, workload, manifests, rootDir } = options;
  return {
    stage: 'deploy',
    reason: 'workload-not-in-manifests',
    message: `no ${workload?.kind ?? 'Deployment'} named ${workload?.name ?? resource} in the manifests (${manifests.map((m) => describeManifestSource(m, rootDir)).join(', ') || 'none configured'})`,
    fix: `add it to a file listed in manifests, or set resources.${resource}.workload.name to the right name`,
  };
}

/** Objects the cluster refused to apply: the first one says why, every one is listed. */
export function refusedObjectsProblem(failed: readonly { ref: ObjectRef; error: KubeError }[]): Problem | undefined {
  const first = failed[0];
  if (!first) return undefined;
  return {
    stage: 'deploy',
    reason: first.error.reason,
    message: `${first.ref.kind} ${first.ref.name} was not applied: ${first.error.message}`,
    fix: 'fix the manifest; the cluster refused it as written',
    details: failed.map((f) => `${f.ref.kind}/${f.ref.name}: ${formatKubeError(f.error)}`),
  };
}

/**
 * Objects of kinds the cluster does not serve and no CRD in the manifests
 * serves: nothing was applied. A custom kind needs its CRD; a built-in group
 * without the kind is a typo.
 */
export function unservedKindsProblem(unserved: readonly { object: KubeObject; file?: string }[]): Problem | undefined {
  const describe = (u: { object: KubeObject; file?: string }) =>
    `${u.object.kind} ${u.object.metadata.name}${u.file ? ` (${u.file})` : ''}`;
  const first = unserved[0];
  if (!first) return undefined;
  const { apiVersion, kind } = first.object;
  const custom = !isBuiltInGroup(apiGroup(apiVersion));
  return {
    stage: 'deploy',
    reason: custom ? 'crd-missing' : 'kind-not-served',
    message: custom
      ? `${describe(first)}: no CustomResourceDefinition serves kind ${kind} in ${apiVersion}`
      : `${describe(first)}: the API server serves no kind ${kind} in ${apiVersion}`,
    fix: custom
      ? 'add the CRD to the manifests or install it first'
      : 'check the apiVersion and kind; `kubectl api-resources` lists what the cluster serves',
    ...(unserved.length > 1 ? { details: unserved.map((u) => `${describe(u)}: ${u.object.apiVersion} ${u.object.kind}`) } : {}),
  };
}
