import type { ArrivingImages } from './arriving-images.ts';
import type { DiagnoseOptions, RolloutFailure } from './diagnosis.ts';
import { evaluateWorkload, type FollowedKind } from './evaluate-workload.ts';
import type { KubeClient, KubeError, WatchEvent, WatchHandle, WatchKind } from './kube-client.ts';
import type { KubeEvent, KubeObject, Pod, ReplicaSet } from './kube-types.ts';
import type { RolloutStatus } from './rollout.ts';
import { type CustomObservation, evaluateCustom } from './rollout-custom.ts';

export interface FollowRolloutOptions extends DiagnoseOptions {
  readonly client: KubeClient;
  readonly namespace: string;
  /** The workload's kind; default Deployment. */
  readonly kind?: FollowedKind;
  /** Instead of a workload kind: a custom resource whose controller makes the pods, followed through owner references and labels. */
  readonly custom?: Omit<CustomObservation, 'owners' | 'pods' | 'events'>;
  /** The workload's name. */
  readonly name: string;
  /** Called whenever the status (state or waiting reason) changes. */
  readonly onStatus?: (status: RolloutStatus) => void;
  /** Lines of the previous run attached to a crash-loop failure. Default 20. */
  readonly crashLogLines?: number;
  readonly signal?: AbortSignal;
  /** A watch lost its connection and is retrying (e.g. the apiserver is restarting); the rollout keeps being followed. */
  readonly onReconnecting?: (error: KubeError) => void;
  /**
   * How long new pods with a container that has no readiness probe must stay
   * ready before the rollout counts as ready. Without a probe Kubernetes calls
   * a pod ready the moment its process starts, so an app that exits at once
   * would otherwise pass for a good rollout. The kubelet notices an exit at its
   * next relist (every second) and then reports it, so this must outlast that.
   * Default 2500 ms.
   */
  readonly settleMs?: number;
  /**
   * Images the workload was patched to before their push ended: their failed
   * pulls are excused while they travel, and a pod that failed one is deleted
   * once it landed (see `ArrivingImages`). `changed` re-evaluates after a landing.
   */
  readonly arriving?: { readonly images: ArrivingImages; readonly onLanded: (changed: () => void) => void };
}

/** The final answer of `followRollout`. */
export type RolloutOutcome = Extract<RolloutStatus, { state: 'ready' | 'failed' }> | { readonly state: 'cancelled' };

/**
 * Follows a workload's rollout from watches (no polling) on the workload
 * (a Deployment's also on its ReplicaSets), the namespace's pods and events,
 * evaluating its kind's rules on every change. Resolves on the first `ready` or
 * `failed` — within seconds of a pod showing the problem, not at the
 * progress deadline. A crash-loop failure gets the last log lines of the
 * crashed run.
 */
export function followRollout(options: FollowRolloutOptions): Promise<RolloutOutcome> {
  const { client, namespace, name } = options;
  const kind = options.kind ?? 'Deployment';
  const workloads = new Map<string, KubeObject>();
  const replicaSets = new Map<string, ReplicaSet>();
  const pods = new Map<string, Pod>();
  const events = new Map<string, KubeEvent>();
  let handleCount = Number.POSITIVE_INFINITY;
  const synced = new Set<WatchKind>();
  const handles: WatchHandle[] = [];
  let last = '';
  let settling: ReturnType<typeof setTimeout> | undefined;
  const settleMs = options.settleMs ?? 2500;

  return new Promise<RolloutOutcome>((resolve) => {
    let settled = false;
    const finish = (outcome: RolloutOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(settling);
      for (const h of handles) h.stop();
      options.signal?.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    const ready = (status: Extract<RolloutStatus, { state: 'ready' }>) => {
      if (settled) return;
      options.onStatus?.(status);
      finish(status);
    };
    const onAbort = () => finish({ state: 'cancelled' });
    if (options.signal?.aborted) return finish({ state: 'cancelled' });
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const arriving = options.arriving?.images;
    const diagnose: DiagnoseOptions = arriving
      ? { ...options, excusedPull: (pod, image) => arriving.excuses(pod, image) || (options.excusedPull?.(pod, image) ?? false) }
      : options;
    const evaluate = () => {
      if (settled || synced.size < handleCount) return;
      // Pods that failed to pull an image that has landed since: their replacements pull it now, without the back-off.
      for (const pod of arriving?.toRetry(pods.values()) ?? []) {
        void client.delete({ apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name, namespace });
      }
      const custom = options.custom;
      const status = custom
        ? evaluateCustom(
            {
              ...custom,
              owners: [...replicaSets.values(), ...workloads.values(), ...middle.values()],
              pods: [...pods.values()],
              events: [...events.values()],
            },
            diagnose,
          )
        : evaluateWorkload(
            kind,
            {
              workload: kind === 'Pod' ? pods.get(name) : workloads.get(name),
              replicaSets: [...replicaSets.values()],
              pods: [...pods.values()],
              events: [...events.values()],
            },
            diagnose,
          );
      const key = status.state === 'waiting' ? `waiting:${status.reason}` : status.state;
      if (key !== last) {
        last = key;
        if (status.state === 'waiting') options.onStatus?.(status);
      }
      if (status.state !== 'ready') {
        clearTimeout(settling);
        settling = undefined;
      } else if (settleMs <= 0 || status.settled || status.pods.every((p) => hasReadinessProbes(pods.get(p)))) {
        ready(status);
      } else if (settling === undefined) {
        settling = setTimeout(() => ready(status), settleMs);
      }
      if (status.state === 'failed') {
        settled = true;
        for (const h of handles) h.stop();
        void withCrashLines(client, namespace, status.failure, options.crashLogLines ?? 20).then((failure) => {
          const final = { state: 'failed', failure } as const;
          options.onStatus?.(final);
          settled = false;
          finish(final);
        });
      }
    };

    const into =
      <T extends KubeObject>(kind: WatchKind, map: Map<string, T>) =>
      (event: WatchEvent) => {
        switch (event.type) {
          case 'sync':
            map.clear();
            for (const o of event.objects) map.set(o.metadata.name, o as T);
            synced.add(kind);
            break;
          case 'added':
          case 'modified':
            map.set(event.object.metadata.name, event.object as T);
            break;
          case 'deleted':
            map.delete(event.object.metadata.name);
            break;
          case 'reconnecting':
            options.onReconnecting?.(event.error);
            return;
        }
        evaluate();
      };

    // A watch may deliver its first list at once: `evaluate` waits until every one of them has.
    type Query = [WatchKind, Map<string, KubeObject>, string | undefined];
    const middle = new Map<string, KubeObject>();
    const queries: Query[] = options.custom
      ? [
          // The objects a controller commonly makes between the resource and its pods: their owner references lead up to it.
          ['ReplicaSet', replicaSets, undefined],
          ['Deployment', workloads, undefined],
          ['StatefulSet', middle, undefined],
          ['Pod', pods, undefined],
          ['Event', events, 'involvedObject.kind=Pod'],
        ]
      : [
          ...(kind === 'Pod' ? [] : [[kind, workloads, `metadata.name=${name}`] as Query]),
          ...(kind === 'Deployment' ? [['ReplicaSet', replicaSets, undefined] as Query] : []),
          ['Pod', pods, undefined],
          ['Event', events, 'involvedObject.kind=Pod'],
        ];
    const pending = queries.map(
      ([k, map, fieldSelector]) =>
        () =>
          client.watch({ kind: k, namespace, ...(fieldSelector ? { fieldSelector } : {}) }, into(k, map)),
    );
    handleCount = pending.length;
    for (const start of pending) handles.push(start());
    options.arriving?.onLanded(evaluate);
  });
}

async function withCrashLines(client: KubeClient, namespace: string, failure: RolloutFailure, lines: number): Promise<RolloutFailure> {
  if ((failure.reason !== 'crash-loop' && failure.reason !== 'container-exited') || !failure.container) return failure;
  const collected: string[] = [];
  // A container that exited for good has its lines in its current run; a crash-looping one in its previous.
  const read = await client.streamLog(
    {
      namespace,
      pod: failure.pod,
      container: failure.container,
      follow: false,
      previous: failure.reason === 'crash-loop',
      tailLines: lines,
    },
    (line) => collected.push(line.text),
  );
  if (failure.reason === 'crash-loop' && (!read.ok || collected.length === 0)) {
    await client.streamLog({ namespace, pod: failure.pod, container: failure.container, follow: false, tailLines: lines }, (line) =>
      collected.push(line.text),
    );
  }
  return { ...failure, lastLines: collected.slice(-lines) };
}

/** True when every container of the pod has a readiness probe, so Ready means the app answered it. */
function hasReadinessProbes(pod: Pod | undefined): boolean {
  const containers = pod?.spec?.containers ?? [];
  return containers.length > 0 && containers.every((c) => c.readinessProbe !== undefined);
}
