import type { KubeObject } from './kube-types.ts';
import type { WorkloadSettings } from './resource-workload.ts';

/** The manifest of a Deployment `name` running image `name`, in `namespace` when given. */
export function workloadManifest(name: string, namespace?: string): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, ...(namespace ? { namespace } : {}) },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: name }] } },
    },
  };
}

/** A project at /p with resources `web` and `worker`, each a Deployment running its image, in namespace `dev`. */
export const twoResources: WorkloadSettings = {
  rootDir: '/p',
  manifests: ['k8s/*.yaml'],
  cluster: { namespace: 'dev' },
  images: { web: { repository: 'web' }, worker: { repository: 'worker' } },
  resources: {
    web: { workload: { kind: 'Deployment', name: 'web' }, containers: {}, portForwards: [] },
    worker: { workload: { kind: 'Deployment', name: 'worker' }, containers: {}, portForwards: [] },
  },
};

/** Each image delivered as `reg:5000/<name>:devloop-1`. */
export function deliveredImages(...names: string[]) {
  return new Map(
    names.map((name) => [name, { image: name, deployRef: `reg:5000/${name}:devloop-1`, imagePullPolicy: 'IfNotPresent' }] as const),
  );
}
