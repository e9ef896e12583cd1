import type { Duplex } from 'node:stream';
import type { Result } from '../core/result.ts';
import type { Scope } from './kinds.ts';
import type { KubeObject, ObjectRef } from './kube-types.ts';

/**
 * The one door to the cluster. `node-kube-client.ts` implements it over
 * @kubernetes/client-node; `fake-kube-client.ts` implements it in memory for
 * the engine's tests. Expected failures are `KubeError` values.
 */
export interface KubeClient {
  /** Server-side apply with field manager `devloop`, forcing conflicts. */
  apply(object: KubeObject): Promise<Result<KubeObject, KubeError>>;
  /** Strategic-merge patch of container images (and pull policies) of a workload's pod template. */
  patchImages(workload: ObjectRef, containers: readonly ContainerImagePatch[]): Promise<Result<KubeObject, KubeError>>;
  /** `undefined` when the object does not exist. */
  get(ref: ObjectRef): Promise<Result<KubeObject | undefined, KubeError>>;
  /** Deletes with background propagation; `not-found` is not a failure. */
  delete(ref: ObjectRef): Promise<Result<'deleted' | 'not-found', KubeError>>;
  list(query: ListQuery): Promise<Result<KubeObject[], KubeError>>;
  /**
   * Whether the API server serves `kind` in `apiVersion` (API discovery), and
   * if so whether its objects live in namespaces; `undefined` when it does not
   * serve it (a CRD not installed, or not established yet).
   */
  resourceScope(apiVersion: string, kind: string): Promise<Result<Scope | undefined, KubeError>>;
  /** The data of a ConfigMap, `undefined` when it does not exist. */
  readConfigMap(namespace: string, name: string): Promise<Result<Readonly<Record<string, string>> | undefined, KubeError>>;
  /**
   * List, then watch from the list's resourceVersion. Emits `sync` with the
   * full set first and again after every relist (410 Gone), then
   * added/modified/deleted. Reconnects by itself after idle timeouts and
   * apiserver restarts until stopped.
   */
  watch(query: WatchQuery, onEvent: (event: WatchEvent) => void): WatchHandle;
  /**
   * Streams one container's log as lines until the stream ends (the
   * container exits, `follow` is false, or `signal` aborts). Lines carry the
   * kubelet timestamp, which the caller uses to resume without duplicates.
   */
  streamLog(request: LogRequest, onLine: (line: TimestampedLine) => void): Promise<Result<LogEnd, KubeError>>;
  /** Runs a command in a container; resolves with its exit code from the status channel. */
  exec(request: ExecRequest): Promise<Result<ExecResult, KubeError>>;
  /** Carries one TCP connection to `port` of `pod`; resolves when either side closes. */
  forwardConnection(request: ForwardRequest): Promise<Result<void, KubeError>>;
}

/** Expected failures of cluster calls, by `reason`. */
export type KubeError =
  | { readonly reason: 'kube-not-found'; readonly message: string }
  | { readonly reason: 'kube-forbidden'; readonly message: string }
  | { readonly reason: 'kube-invalid'; readonly message: string; readonly object?: string }
  | { readonly reason: 'kube-conflict'; readonly message: string }
  | { readonly reason: 'kube-container-not-started'; readonly message: string }
  | { readonly reason: 'kube-unreachable'; readonly message: string }
  | { readonly reason: 'kube-aborted'; readonly message: string }
  | { readonly reason: 'kube-api-error'; readonly message: string; readonly status: number };

export interface ContainerImagePatch {
  readonly container: string;
  readonly image: string;
  readonly imagePullPolicy?: string;
  /** True for an init container. */
  readonly init?: boolean;
}

export interface ListQuery {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly labelSelector?: string;
}

/** What a watch follows: the kinds devloop watches, in one namespace. */
export interface WatchQuery {
  readonly kind: WatchKind;
  readonly namespace: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
}

export type WatchKind = 'Deployment' | 'ReplicaSet' | 'StatefulSet' | 'DaemonSet' | 'Job' | 'CronJob' | 'Pod' | 'Event';

export type WatchEvent =
  | { readonly type: 'sync'; readonly objects: readonly KubeObject[] }
  | { readonly type: 'added' | 'modified' | 'deleted'; readonly object: KubeObject }
  /** A connection dropped; the watch keeps trying. */
  | { readonly type: 'reconnecting'; readonly error: KubeError };

export interface WatchHandle {
  stop(): void;
}

export interface LogRequest {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  readonly follow: boolean;
  /** RFC 3339 time; the server returns lines at or after it. */
  readonly sinceTime?: string;
  /** The previous (crashed) run of the container. */
  readonly previous?: boolean;
  readonly tailLines?: number;
  readonly signal?: AbortSignal;
}

export interface TimestampedLine {
  /** RFC 3339 with nanoseconds, as the kubelet wrote it. */
  readonly timestamp: string;
  readonly text: string;
}

/** Why a log stream ended. */
export type LogEnd = 'ended' | 'aborted';

export interface ExecRequest {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  readonly command: readonly string[];
  /** Sent, then stdin is closed (a tar stream for a sync is bytes). */
  readonly stdin?: string | Uint8Array;
  readonly signal?: AbortSignal;
}

export interface ExecResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The API's words when the command did not succeed, e.g. the runtime's `executable file not found in $PATH`. */
  readonly message?: string;
}

export interface ForwardRequest {
  readonly namespace: string;
  readonly pod: string;
  readonly port: number;
  /** The accepted local connection. */
  readonly socket: Duplex;
}

/** One-line text of a `KubeError`. */
export function formatKubeError(error: KubeError): string {
  return `${error.reason}: ${error.message}`;
}
