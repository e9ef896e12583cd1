import type { KubeObject } from './kube-types.ts';

/** Whether objects of a kind live in a namespace, as the API server says (`namespaced`) or a CRD's `spec.scope`. */
export type Scope = 'Namespaced' | 'Cluster';

/** The API group of an apiVersion: `''` for the core group (`v1`), else the part before the slash. */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** The version part of an apiVersion: `v1` of `apps/v1`. */
export function apiVersionName(apiVersion: string): string {
  return apiVersion.slice(apiVersion.indexOf('/') + 1);
}

const builtInClusterScoped = new Set([
  'Namespace',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleBinding',
  'PersistentVolume',
  'StorageClass',
  'PriorityClass',
  'IngressClass',
  'RuntimeClass',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'APIService',
  'Node',
]);

/** The scope of a built-in kind; any kind not known as cluster-scoped is taken as namespaced. */
export function builtInScope(kind: string): Scope {
  return builtInClusterScoped.has(kind) ? 'Cluster' : 'Namespaced';
}

/**
 * True for API groups Kubernetes itself serves (core, `apps`, `batch`,
 * `networking.k8s.io`, …): a kind missing there is a typo, not a missing
 * CRD. Groups such as `gateway.networking.k8s.io` come from CRDs.
 */
export function isBuiltInGroup(group: string): boolean {
  return !group.includes('.') || builtInGroups.has(group);
}

const builtInGroups = new Set([
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'apiregistration.k8s.io',
  'certificates.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'events.k8s.io',
  'flowcontrol.apiserver.k8s.io',
  'networking.k8s.io',
  'node.k8s.io',
  'rbac.authorization.k8s.io',
  'resource.k8s.io',
  'scheduling.k8s.io',
  'storage.k8s.io',
]);

/** True for a CustomResourceDefinition object. */
export function isCrd(object: { apiVersion: string; kind: string }): boolean {
  return object.kind === 'CustomResourceDefinition' && apiGroup(object.apiVersion) === 'apiextensions.k8s.io';
}

/** A kind a CustomResourceDefinition serves. */
export interface CrdKind {
  /** The CRD's name, `widgets.example.dev`. */
  readonly crd: string;
  readonly group: string;
  readonly kind: string;
  /** Versions with `served: true`. */
  readonly versions: readonly string[];
  readonly scope: Scope;
}

/** What a CRD object declares it serves; undefined when it does not say (an invalid CRD the API server will refuse). */
export function crdKind(object: KubeObject): CrdKind | undefined {
  const spec = object.spec as
    | { group?: unknown; scope?: unknown; names?: { kind?: unknown }; versions?: { name?: unknown; served?: unknown }[] }
    | undefined;
  if (!isCrd(object) || typeof spec?.group !== 'string' || typeof spec.names?.kind !== 'string') return undefined;
  const versions = (Array.isArray(spec.versions) ? spec.versions : [])
    .filter((v) => v.served !== false && typeof v.name === 'string')
    .map((v) => v.name as string);
  return {
    crd: object.metadata.name,
    group: spec.group,
    kind: spec.names.kind,
    versions,
    scope: spec.scope === 'Cluster' ? 'Cluster' : 'Namespaced',
  };
}

/** The CRD among `kinds` that serves `apiVersion`/`kind`, if any. */
export function servingCrd(kinds: readonly CrdKind[], apiVersion: string, kind: string): CrdKind | undefined {
  const group = apiGroup(apiVersion);
  const version = apiVersionName(apiVersion);
  return kinds.find((k) => k.group === group && k.kind === kind && k.versions.includes(version));
}

/** Every kind the CRDs among `objects` serve. */
export function crdKinds(objects: readonly KubeObject[]): CrdKind[] {
  return objects.flatMap((o) => crdKind(o) ?? []);
}

/**
 * Where an object goes in the apply order: namespaces, CRDs, identities and
 * permissions, configuration and storage, Services, workloads, then
 * everything else (custom objects, Ingresses, …). Each object finds what it
 * refers to already there, and a Pod starts with its ConfigMaps, Secrets and
 * ServiceAccount in place.
 */
export function applyRank(object: { apiVersion: string; kind: string }): number {
  return ranks.get(`${apiGroup(object.apiVersion)}/${object.kind}`) ?? ranked.length;
}

const ranked: readonly (readonly string[])[] = [
  ['/Namespace'],
  ['apiextensions.k8s.io/CustomResourceDefinition'],
  [
    '/ServiceAccount',
    'rbac.authorization.k8s.io/Role',
    'rbac.authorization.k8s.io/ClusterRole',
    'rbac.authorization.k8s.io/RoleBinding',
    'rbac.authorization.k8s.io/ClusterRoleBinding',
  ],
  [
    '/ConfigMap',
    '/Secret',
    '/PersistentVolume',
    '/PersistentVolumeClaim',
    '/ResourceQuota',
    '/LimitRange',
    'scheduling.k8s.io/PriorityClass',
    'storage.k8s.io/StorageClass',
  ],
  ['/Service'],
  ['apps/Deployment', 'apps/StatefulSet', 'apps/DaemonSet', 'apps/ReplicaSet', 'batch/Job', 'batch/CronJob', '/Pod'],
];

const ranks = new Map(ranked.flatMap((keys, rank) => keys.map((key) => [key, rank] as const)));
