import type { ContainerImagePatch } from './kube-client.ts';
import type { ObjectRef } from './kube-types.ts';

/**
 * The strategic-merge patch that sets container images (and pull policies)
 * of a workload: in its pod template, a CronJob's job template, or a bare
 * Pod's own spec. Containers merge by name, so the others are left alone.
 */
export function imagePatchBody(workload: ObjectRef, containers: readonly ContainerImagePatch[]): Record<string, unknown> {
  const entry = (c: ContainerImagePatch) => ({
    name: c.container,
    image: c.image,
    ...(c.imagePullPolicy ? { imagePullPolicy: c.imagePullPolicy } : {}),
  });
  const init = containers.filter((c) => c.init).map(entry);
  const main = containers.filter((c) => !c.init).map(entry);
  const podSpec = { ...(main.length ? { containers: main } : {}), ...(init.length ? { initContainers: init } : {}) };
  const spec =
    workload.kind === 'Pod'
      ? podSpec
      : workload.kind === 'CronJob'
        ? { jobTemplate: { spec: { template: { spec: podSpec } } } }
        : { template: { spec: podSpec } };
  return { apiVersion: workload.apiVersion, kind: workload.kind, metadata: { name: workload.name, namespace: workload.namespace }, spec };
}
