/**
 * The plain-object shapes of the Kubernetes objects devloop reads. They are
 * structural subsets of the API's JSON, so the pure parts (rollout rules,
 * diagnosis, manifests) work on parsed YAML, watch events and test fixtures
 * alike without importing the client library.
 */

/** Any object with the fields every Kubernetes object has. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  generation?: number;
  resourceVersion?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { apiVersion?: string; kind: string; name: string; uid: string; controller?: boolean }[];
  creationTimestamp?: string;
  deletionTimestamp?: string;
}

/** Names one object in the cluster. */
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** Absent for cluster-scoped kinds (Namespace, CustomResourceDefinition). */
  readonly namespace?: string;
}

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
}

export interface ContainerSpec {
  name: string;
  image?: string;
  imagePullPolicy?: string;
  [key: string]: unknown;
}

export interface PodSpec {
  containers: ContainerSpec[];
  initContainers?: ContainerSpec[];
  restartPolicy?: string;
  [key: string]: unknown;
}

export interface Deployment extends KubeObject {
  spec?: {
    replicas?: number;
    selector?: { matchLabels?: Record<string, string> };
    progressDeadlineSeconds?: number;
    template?: { metadata?: { labels?: Record<string, string> }; spec?: PodSpec };
    [key: string]: unknown;
  };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    unavailableReplicas?: number;
    conditions?: Condition[];
  };
}

/** `spec.updateStrategy` of a StatefulSet or DaemonSet. */
export interface UpdateStrategy {
  type?: string;
  rollingUpdate?: { partition?: number; [key: string]: unknown };
}

export interface StatefulSet extends KubeObject {
  spec?: { replicas?: number; updateStrategy?: UpdateStrategy; template?: { spec?: PodSpec }; [key: string]: unknown };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    readyReplicas?: number;
    currentReplicas?: number;
    updatedReplicas?: number;
    currentRevision?: string;
    updateRevision?: string;
  };
}

export interface DaemonSet extends KubeObject {
  spec?: { updateStrategy?: UpdateStrategy; template?: { spec?: PodSpec }; [key: string]: unknown };
  status?: {
    observedGeneration?: number;
    desiredNumberScheduled?: number;
    updatedNumberScheduled?: number;
    numberAvailable?: number;
    numberReady?: number;
  };
}

export interface Job extends KubeObject {
  spec?: { completions?: number; parallelism?: number; backoffLimit?: number; template?: { spec?: PodSpec }; [key: string]: unknown };
  status?: { active?: number; succeeded?: number; failed?: number; conditions?: Condition[] };
}

export interface ReplicaSet extends KubeObject {
  spec?: { replicas?: number; template?: { spec?: PodSpec } };
  status?: { replicas?: number; readyReplicas?: number; availableReplicas?: number; observedGeneration?: number };
}

export interface ContainerStateWaiting {
  reason?: string;
  message?: string;
}
export interface ContainerStateTerminated {
  exitCode: number;
  reason?: string;
  message?: string;
  startedAt?: string;
  finishedAt?: string;
}
export interface ContainerState {
  waiting?: ContainerStateWaiting;
  running?: { startedAt?: string };
  terminated?: ContainerStateTerminated;
}

export interface ContainerStatus {
  name: string;
  image?: string;
  imageID?: string;
  ready?: boolean;
  started?: boolean;
  restartCount?: number;
  state?: ContainerState;
  lastState?: ContainerState;
}

export interface Pod extends KubeObject {
  spec?: PodSpec & { nodeName?: string };
  status?: {
    phase?: string;
    conditions?: Condition[];
    containerStatuses?: ContainerStatus[];
    initContainerStatuses?: ContainerStatus[];
    reason?: string;
    message?: string;
  };
}

export interface KubeEvent extends KubeObject {
  involvedObject?: { kind?: string; name?: string; namespace?: string; uid?: string; fieldPath?: string };
  reason?: string;
  message?: string;
  type?: string;
  count?: number;
  firstTimestamp?: string;
  lastTimestamp?: string;
  eventTime?: string;
}

/** A reference without the API version, for messages: `Deployment/web`. */
export function describeRef(ref: { kind: string; name: string; namespace?: string }): string {
  return ref.namespace ? `${ref.kind}/${ref.name} (namespace ${ref.namespace})` : `${ref.kind}/${ref.name}`;
}

/** True when `pod` is Ready (its Ready condition is True). */
export function isPodReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** True when `owner` controls `obj` (an owner reference with its uid, or its kind and name). */
export function isOwnedBy(obj: KubeObject, owner: KubeObject): boolean {
  return (obj.metadata.ownerReferences ?? []).some((r) =>
    owner.metadata.uid ? r.uid === owner.metadata.uid : r.kind === owner.kind && r.name === owner.metadata.name,
  );
}
