import type { ContainerStatus, Deployment, KubeEvent, Pod, ReplicaSet } from './kube-types.ts';

/** Builders of realistic objects (shapes as the API server returns them) for the k8s unit tests. */
export function deployment(
  overrides: {
    generation?: number;
    observed?: number;
    replicas?: number;
    updated?: number;
    total?: number;
    available?: number;
    revision?: string;
    conditions?: NonNullable<Deployment['status']>['conditions'];
  } = {},
): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'dev',
      uid: 'dep-uid',
      generation: overrides.generation ?? 2,
      annotations: { 'deployment.kubernetes.io/revision': overrides.revision ?? '2' },
    },
    spec: { replicas: overrides.replicas ?? 1, progressDeadlineSeconds: 600, selector: { matchLabels: { app: 'web' } } },
    status: {
      observedGeneration: overrides.observed ?? 2,
      replicas: overrides.total ?? 1,
      updatedReplicas: overrides.updated ?? 1,
      readyReplicas: overrides.available ?? 1,
      availableReplicas: overrides.available ?? 1,
      conditions: overrides.conditions ?? [
        { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' },
        { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' },
      ],
    },
  };
}

export function replicaSet(name: string, revision: string): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: 'dev',
      uid: `${name}-uid`,
      annotations: { 'deployment.kubernetes.io/revision': revision },
      ownerReferences: [{ kind: 'Deployment', name: 'web', uid: 'dep-uid', controller: true }],
    },
  };
}

export function pod(options: {
  name?: string;
  rs?: string;
  image?: string;
  pullPolicy?: string;
  status?: Partial<ContainerStatus>;
  ready?: boolean;
  conditions?: NonNullable<Pod['status']>['conditions'];
  readinessProbe?: Record<string, unknown>;
}): Pod {
  const name = options.name ?? 'web-7d4b9c-x2x9z';
  const image = options.image ?? 'k3d-registry.localhost:5000/web:devloop-1';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'dev',
      uid: `${name}-uid`,
      labels: { app: 'web', 'pod-template-hash': '7d4b9c' },
      ownerReferences: [
        { kind: 'ReplicaSet', name: options.rs ?? 'web-7d4b9c', uid: `${options.rs ?? 'web-7d4b9c'}-uid`, controller: true },
      ],
    },
    spec: {
      nodeName: 'k3d-devloop-test-server-0',
      containers: [
        {
          name: 'app',
          image,
          imagePullPolicy: options.pullPolicy ?? 'IfNotPresent',
          ...(options.readinessProbe ? { readinessProbe: options.readinessProbe } : {}),
        },
      ],
    },
    status: {
      phase: 'Pending',
      conditions: options.conditions ?? [
        { type: 'PodScheduled', status: 'True' },
        { type: 'Ready', status: options.ready ? 'True' : 'False' },
      ],
      containerStatuses: [
        {
          name: 'app',
          image,
          ready: options.ready ?? false,
          restartCount: 0,
          started: false,
          state: { waiting: { reason: 'ContainerCreating' } },
          ...options.status,
        },
      ],
    },
  };
}

export function event(options: {
  pod?: string;
  reason: string;
  message: string;
  count?: number;
  container?: string;
  type?: string;
  at?: string;
}): KubeEvent {
  const podName = options.pod ?? 'web-7d4b9c-x2x9z';
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${podName}.17a${Math.random().toString(16).slice(2, 8)}`, namespace: 'dev' },
    involvedObject: {
      kind: 'Pod',
      name: podName,
      namespace: 'dev',
      uid: `${podName}-uid`,
      fieldPath: `spec.containers{${options.container ?? 'app'}}`,
    },
    reason: options.reason,
    message: options.message,
    type: options.type ?? 'Warning',
    count: options.count ?? 1,
    lastTimestamp: options.at ?? '2026-11-23T10:00:05Z',
  };
}

/** A pod of `web` whose container started, runs and is ready, created at `createdAt`. */
export function readyPod(name: string, createdAt = '2026-11-23T10:00:00Z', metadata: Partial<Pod['metadata']> = {}): Pod {
  const p = pod({ name, ready: true, status: { ready: true, started: true, state: { running: { startedAt: createdAt } } } });
  return { ...p, metadata: { ...p.metadata, creationTimestamp: createdAt, ...metadata }, status: { ...p.status, phase: 'Running' } };
}

/** The Deployment `web` (selecting `app=web`) and `bare` (selecting nothing), and the settings naming them as resources with a forward to port 80. */
export const followedWorkloads = {
  objects: [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'dev' },
      spec: { selector: { matchLabels: { app: 'web' } } },
    },
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'bare' }, spec: {} },
  ],
  config: {
    cluster: { namespace: 'dev' },
    resources: {
      web: { workload: { kind: 'Deployment', name: 'web' }, containers: {}, portForwards: [{ local: 0, remote: 80 }] },
      bare: { workload: { kind: 'Deployment', name: 'bare' }, containers: {}, portForwards: [{ local: 0, remote: 80 }] },
    },
  },
};

/** Resolves once `check` holds; fails after `ms`. */
export async function until(check: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
