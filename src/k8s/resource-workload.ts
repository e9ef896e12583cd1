import type { ManifestSource } from '../core/manifest-source.ts';
import type { KubeObject } from './kube-types.ts';
import { injectImages } from './manifests.ts';

/** A devloop resource as the Kubernetes side sees it: its workload, which containers run which image, its port forwards. */
export interface ResourceWorkload {
  /** `imagePaths`: a custom resource's image fields (dotted paths). */
  readonly workload: { readonly kind: string; readonly name: string; readonly imagePaths?: readonly string[] };
  /** Container name → devloop image name; empty means "match by image repository". */
  readonly containers: Readonly<Record<string, string>>;
  readonly portForwards: readonly { readonly local: number; readonly remote: number }[];
}

/** What the Kubernetes side reads of the configuration (a resolved config has this shape). */
export interface WorkloadSettings {
  /** The project root: applied objects are labelled with it, for `devloop down`. */
  readonly rootDir: string;
  /** Where the manifests came from, to say where a workload is missing. */
  readonly manifests: readonly ManifestSource[];
  readonly cluster: { readonly namespace: string };
  readonly images: Readonly<Record<string, { readonly repository: string }>>;
  readonly resources: Readonly<Record<string, ResourceWorkload>>;
}

/** The manifest object that is the resource's workload, if the manifests have it. */
export function findWorkload(resource: ResourceWorkload, objects: readonly KubeObject[]): KubeObject | undefined {
  return objects.find((o) => o.kind === resource.workload.kind && o.metadata.name === resource.workload.name);
}

/**
 * `a=b,c=d` selecting a workload's pods: its `spec.selector.matchLabels`, a
 * Job's `job-name` label (unless it selects by hand), a bare Pod's own labels.
 */
export function labelSelector(workload: KubeObject): string | undefined {
  const spec = workload.spec as { selector?: { matchLabels?: Record<string, string> } } | undefined;
  const labels =
    workload.kind === 'Pod'
      ? workload.metadata.labels
      : workload.kind === 'Job' && !spec?.selector?.matchLabels
        ? { 'batch.kubernetes.io/job-name': workload.metadata.name }
        : spec?.selector?.matchLabels;
  if (!labels || Object.keys(labels).length === 0) return undefined;
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** A resource's workload and how to find its pods, or undefined when the manifests lack it or it selects no pods. */
export function workloadPods(
  settings: Pick<WorkloadSettings, 'resources' | 'cluster'>,
  objects: readonly KubeObject[],
  resource: string,
): { resource: ResourceWorkload; workload: KubeObject; namespace: string; selector: string } | undefined {
  const r = settings.resources[resource];
  const workload = r && findWorkload(r, objects);
  const selector = workload && labelSelector(workload);
  if (!r || !workload || !selector) return undefined;
  return { resource: r, workload, namespace: workload.metadata.namespace ?? settings.cluster.namespace, selector };
}

/** The devloop images a resource runs: its container map's, or the ones its workload's containers name by repository. */
export function imagesOfResource(
  resource: ResourceWorkload,
  objects: readonly KubeObject[],
  images: Readonly<Record<string, { readonly repository: string }>>,
): string[] {
  const mapped = [...new Set(Object.values(resource.containers))];
  if (mapped.length > 0) return mapped;
  const workload = findWorkload(resource, objects);
  if (!workload) return [];
  const all = Object.entries(images).map(([name, i]) => ({ name, repository: i.repository, ref: name }));
  const { injected } = injectImages([workload], { images: all, mappings: [{ workload: resource.workload, containers: {} }] });
  return [...new Set(injected.map((i) => i.image))];
}
