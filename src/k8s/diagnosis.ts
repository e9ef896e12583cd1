import { unreachable } from '../core/unreachable.ts';
import { effectivePullPolicy } from './image-ref.ts';
import type { ContainerSpec, ContainerStatus, KubeEvent, Pod } from './kube-types.ts';

/** Where a failure was seen. */
interface At {
  readonly pod: string;
  readonly container?: string;
  /** The raw message from Kubernetes, for people who want the details. */
  readonly message: string;
  /** What to do about it. */
  readonly fix: string;
}

/**
 * Why a rollout cannot succeed, one member per thing a person does
 * differently. The UI and the JSON report switch on `reason`.
 */
export type RolloutFailure =
  | (At & { readonly reason: 'image-pull-not-found'; readonly image: string })
  | (At & { readonly reason: 'image-pull-unauthorized'; readonly image: string })
  | (At & { readonly reason: 'image-pull-name-unresolved'; readonly image: string; readonly host: string | undefined })
  | (At & { readonly reason: 'image-pull-http-vs-https'; readonly image: string })
  | (At & { readonly reason: 'image-pull-registry-down'; readonly image: string })
  | (At & { readonly reason: 'image-pull-failed'; readonly image: string })
  | (At & { readonly reason: 'image-pull-policy-forces-pull'; readonly image: string; readonly pullPolicy: string })
  | (At & { readonly reason: 'invalid-image-name'; readonly image: string })
  | (At & {
      readonly reason: 'crash-loop';
      readonly exitCode: number | undefined;
      readonly restartCount: number;
      /** Last lines of the previous run, filled in by the rollout watcher. */
      readonly lastLines: readonly string[];
    })
  | (At & {
      readonly reason: 'create-container-config-error';
      readonly missing: { readonly kind: 'ConfigMap' | 'Secret'; readonly name: string; readonly key?: string } | undefined;
    })
  | (At & { readonly reason: 'container-start-error' })
  | (At & {
      readonly reason: 'container-exited';
      readonly exitCode: number;
      /** Last lines of the run, filled in by the rollout watcher. */
      readonly lastLines: readonly string[];
    })
  | { readonly reason: 'workload-failed'; readonly workload: string; readonly message: string; readonly fix: string }
  | (At & { readonly reason: 'readiness-probe-failing'; readonly probe: 'readiness' | 'liveness' | 'startup'; readonly failures: number })
  | (At & { readonly reason: 'unschedulable' })
  | { readonly reason: 'rollout-deadline'; readonly workload: string; readonly message: string; readonly fix: string };

export type RolloutFailureReason = RolloutFailure['reason'];

/** What diagnosis needs besides the pod and its events. */
export interface DiagnoseOptions {
  /** Image references delivered by `k3d image import`: they must never be pulled. */
  readonly importedImages?: ReadonlySet<string>;
  /** Readiness failures (summed event counts) tolerated before failing; default: the probe's failureThreshold, at least 3. */
  readonly probeFailures?: number;
  /** A failed pull that is no failure yet: the image was still being pushed when the pod tried (see `ArrivingImages`). */
  readonly excusedPull?: (pod: Pod, image: string) => boolean;
}

const pullWaitingReasons = new Set(['ErrImagePull', 'ImagePullBackOff', 'ErrImageNeverPull']);

/**
 * The first reason `pod` cannot become ready, from its container statuses,
 * conditions and events; `undefined` while it still may. Pure.
 */
export function diagnosePod(pod: Pod, events: readonly KubeEvent[], options: DiagnoseOptions = {}): RolloutFailure | undefined {
  const podName = pod.metadata.name;
  const podEvents = events.filter((e) => isAbout(e, pod));
  const specs = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const exited = exitedForGood(pod);
  if (exited) return exited;
  for (const status of statuses) {
    const spec = specs.find((s) => s.name === status.name);
    const waiting = status.state?.waiting?.reason;
    if (waiting && pullWaitingReasons.has(waiting) && options.excusedPull?.(pod, spec?.image ?? status.image ?? '')) continue;
    const failure = diagnoseContainer({ pod: podName, status, spec, events: podEvents, options });
    if (failure) return failure;
  }
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
    return {
      reason: 'unschedulable',
      pod: podName,
      message: scheduled.message ?? 'no node fits the pod',
      fix: 'Lower the resource requests, remove the node selector, taint or affinity that no node matches, or add capacity to the cluster.',
    };
  }
  return probeFailure(pod, podEvents, specs, options);
}

/**
 * A container that ended with an error and will not be restarted: a Job's or
 * a bare pod's with `restartPolicy: Never` (with `OnFailure` the kubelet
 * restarts it and a repeated failure shows as a crash loop instead).
 */
function exitedForGood(pod: Pod): RolloutFailure | undefined {
  if (pod.spec?.restartPolicy !== 'Never') return undefined;
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  for (const status of statuses) {
    const terminated = status.state?.terminated;
    if (!terminated || terminated.exitCode === 0) continue;
    return {
      reason: 'container-exited',
      pod: pod.metadata.name,
      container: status.name,
      exitCode: terminated.exitCode,
      lastLines: [],
      message: terminated.message ?? terminated.reason ?? `exit code ${terminated.exitCode}`,
      fix: 'The command failed: its last lines are below. Fix it and save; devloop runs it again on the next change or trigger.',
    };
  }
  return undefined;
}

function diagnoseContainer(input: {
  pod: string;
  status: ContainerStatus;
  spec: ContainerSpec | undefined;
  events: readonly KubeEvent[];
  options: DiagnoseOptions;
}): RolloutFailure | undefined {
  const { pod, status, spec, events, options } = input;
  const waiting = status.state?.waiting;
  if (!waiting?.reason) return undefined;
  const container = status.name;
  const image = spec?.image ?? status.image ?? '';
  const message = waiting.message ?? '';
  if (pullWaitingReasons.has(waiting.reason)) {
    const policy = effectivePullPolicy(image, spec?.imagePullPolicy);
    if (options.importedImages?.has(image) && policy === 'Always') {
      return {
        reason: 'image-pull-policy-forces-pull',
        pod,
        container,
        image,
        pullPolicy: policy,
        message: pullMessage(message, events, container),
        fix: `${image} was imported into the cluster, not pushed to a registry, so it must not be pulled: set imagePullPolicy: IfNotPresent on container ${container}${image.endsWith(':latest') || !image.includes(':') ? ' and use a tag other than latest' : ''}.`,
      };
    }
    if (waiting.reason === 'ErrImageNeverPull') {
      return {
        reason: 'image-pull-not-found',
        pod,
        container,
        image,
        message,
        fix: `imagePullPolicy is Never and ${image} is not on the node: import it into the cluster (k3d image import) or allow pulls.`,
      };
    }
    return classifyPull({ pod, container, image, message: pullMessage(message, events, container) });
  }
  switch (waiting.reason) {
    case 'InvalidImageName':
      return {
        reason: 'invalid-image-name',
        pod,
        container,
        image,
        message,
        fix: `Fix the image reference of container ${container}: [registry[:port]/]name[:tag][@digest], lower-case, no scheme.`,
      };
    case 'CrashLoopBackOff': {
      const terminated = status.lastState?.terminated ?? status.state?.terminated;
      return {
        reason: 'crash-loop',
        pod,
        container,
        exitCode: terminated?.exitCode,
        restartCount: status.restartCount ?? 0,
        lastLines: [],
        message: terminated?.reason ? `${terminated.reason}: ${message}` : message,
        fix:
          terminated?.reason === 'OOMKilled'
            ? `Container ${container} ran out of memory: raise its memory limit or use less.`
            : `Container ${container} keeps exiting${terminated ? ` (exit code ${terminated.exitCode})` : ''}: read its last log lines, check its command, arguments and environment.`,
      };
    }
    case 'CreateContainerConfigError': {
      const missing = missingReference(message);
      return {
        reason: 'create-container-config-error',
        pod,
        container,
        missing,
        message,
        fix: missing
          ? `Create the ${missing.kind} ${missing.name}${missing.key ? ` with key ${missing.key}` : ''} in the pod's namespace, or add it to the manifests, or mark the reference optional.`
          : `Check the ConfigMaps, Secrets and environment that container ${container} references.`,
      };
    }
    case 'CreateContainerError':
    case 'RunContainerError':
      return {
        reason: 'container-start-error',
        pod,
        container,
        message,
        fix: `The runtime could not start container ${container}: check its command (does the executable exist in the image?), working directory, volume mounts and security context.`,
      };
    default:
      return undefined;
  }
}

/** The most detailed pull message: the waiting message, or the newest `Failed` event about the container. */
function pullMessage(waitingMessage: string, events: readonly KubeEvent[], container: string): string {
  if (/rpc error|failed to|dial tcp|not found|unauthorized/i.test(waitingMessage)) return waitingMessage;
  const failed = [...events]
    .filter((e) => e.reason === 'Failed' && (e.message ?? '').includes('Failed to pull image'))
    .filter((e) => !e.involvedObject?.fieldPath || e.involvedObject.fieldPath.includes(`{${container}}`))
    .sort((a, b) => eventTime(b).localeCompare(eventTime(a)));
  return failed[0]?.message ?? waitingMessage;
}

type PullFailure = Extract<RolloutFailure, { reason: `image-pull-${string}` }>;

/** Tells pull failures apart by the runtime's message (containerd's wording). */
export function classifyPull(input: { pod: string; container: string; image: string; message: string }): PullFailure {
  const { image, message } = input;
  const base = { pod: input.pod, container: input.container, image, message };
  if (/server gave HTTP response to HTTPS client/i.test(message)) {
    return {
      ...base,
      reason: 'image-pull-http-vs-https',
      fix: 'The registry speaks plain HTTP but the node pulls over HTTPS: push to the k3d registry name the nodes mirror (e.g. k3d-registry.localhost:5000), or declare the registry as insecure in the node registries.yaml.',
    };
  }
  if (/no such host|server misbehaving|Temporary failure in name resolution/i.test(message)) {
    const host = /lookup ([^\s:]+)/.exec(message)?.[1];
    return {
      ...base,
      reason: 'image-pull-name-unresolved',
      host,
      fix: `The node cannot resolve ${host ?? 'the registry host'}: use the registry name the cluster knows (hostFromContainerRuntime in kube-public/local-registry-hosting, e.g. k3d-registry.localhost:5000), not localhost or a host-only name.`,
    };
  }
  if (/\b401\b|\b403\b|unauthorized|pull access denied|insufficient_scope|authorization failed|forbidden/i.test(message)) {
    return {
      ...base,
      reason: 'image-pull-unauthorized',
      fix: 'The registry refused the pull: add an imagePullSecret for it to the pod (or its service account), or check the credentials and the repository name.',
    };
  }
  if (/connection refused|i\/o timeout|no route to host|connection reset|network is unreachable|EOF$/i.test(message)) {
    return {
      ...base,
      reason: 'image-pull-registry-down',
      fix: 'The node cannot reach the registry: check that the registry container is running and connected to the cluster network (docker ps, k3d registry list).',
    };
  }
  if (/: not found|NotFound desc|manifest unknown|not found$|repository does not exist|name unknown/i.test(message)) {
    return {
      ...base,
      reason: 'image-pull-not-found',
      fix: `${image} is not in the registry: check the tag and repository, and that the image was pushed to the registry the node pulls from.`,
    };
  }
  return {
    ...base,
    reason: 'image-pull-failed',
    fix: `The node could not pull ${image}: read the message, and try pulling it from the node.`,
  };
}

/** `configmap "app-config" not found`, `secret "db" not found`, `couldn't find key K in ConfigMap ns/name`. */
export function missingReference(message: string): { kind: 'ConfigMap' | 'Secret'; name: string; key?: string } | undefined {
  const notFound = /\b(configmap|secret) "([^"]+)" not found/i.exec(message);
  if (notFound?.[1] && notFound[2]) {
    return { kind: notFound[1].toLowerCase() === 'secret' ? 'Secret' : 'ConfigMap', name: notFound[2] };
  }
  const key = /couldn't find key (\S+) in (ConfigMap|Secret) (?:[^/\s]+\/)?(\S+)/i.exec(message);
  if (key?.[1] && key[2] && key[3]) {
    return { kind: key[2].toLowerCase() === 'secret' ? 'Secret' : 'ConfigMap', name: key[3], key: key[1] };
  }
  return undefined;
}

function probeFailure(
  pod: Pod,
  events: readonly KubeEvent[],
  specs: readonly ContainerSpec[],
  options: DiagnoseOptions,
): RolloutFailure | undefined {
  const unhealthy = events.filter((e) => e.reason === 'Unhealthy');
  if (unhealthy.length === 0) return undefined;
  for (const probe of ['readiness', 'startup', 'liveness'] as const) {
    const matching = unhealthy.filter((e) => (e.message ?? '').toLowerCase().startsWith(probe));
    if (matching.length === 0) continue;
    const newest = [...matching].sort((a, b) => eventTime(b).localeCompare(eventTime(a)))[0];
    const container = /\{([^}]+)\}/.exec(newest?.involvedObject?.fieldPath ?? '')?.[1];
    const spec = specs.find((s) => s.name === container) ?? specs[0];
    const threshold = options.probeFailures ?? Math.max(3, probeThreshold(spec, probe));
    const failures = matching.reduce((n, e) => n + (e.count ?? 1), 0);
    const stillFailing = probe !== 'readiness' || !isReadyContainer(pod, container);
    if (failures >= threshold && stillFailing) {
      return {
        reason: 'readiness-probe-failing',
        probe,
        failures,
        pod: pod.metadata.name,
        ...(container === undefined ? {} : { container }),
        message: newest?.message ?? `${probe} probe failed`,
        fix: `The ${probe} probe${container ? ` of container ${container}` : ''} keeps failing: check that the probe's path and port match what the app serves, and that the app starts listening within initialDelaySeconds.`,
      };
    }
  }
  return undefined;
}

function probeThreshold(spec: ContainerSpec | undefined, probe: 'readiness' | 'liveness' | 'startup'): number {
  const config = spec?.[`${probe}Probe`] as { failureThreshold?: number } | undefined;
  return config?.failureThreshold ?? 3;
}

function isReadyContainer(pod: Pod, container: string | undefined): boolean {
  const statuses = pod.status?.containerStatuses ?? [];
  return container === undefined ? statuses.every((s) => s.ready) : statuses.some((s) => s.name === container && s.ready);
}

function isAbout(event: KubeEvent, pod: Pod): boolean {
  const o = event.involvedObject;
  if (!o || (o.kind && o.kind !== 'Pod')) return false;
  return pod.metadata.uid && o.uid ? o.uid === pod.metadata.uid : o.name === pod.metadata.name;
}

function eventTime(e: KubeEvent): string {
  return e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata.creationTimestamp ?? '';
}

/**
 * One line a person reads first, after the reason that the UI and reporters
 * already show: for `crash-loop`, `container app of pod web-7d4 exited with code 1 (2 restarts)`.
 */
export function summarizeFailure(f: RolloutFailure): string {
  switch (f.reason) {
    case 'image-pull-not-found':
    case 'image-pull-unauthorized':
    case 'image-pull-name-unresolved':
    case 'image-pull-http-vs-https':
    case 'image-pull-registry-down':
    case 'image-pull-failed':
    case 'image-pull-policy-forces-pull':
    case 'invalid-image-name':
      return `${f.image} (pod ${f.pod}, container ${f.container ?? '?'})`;
    case 'crash-loop':
      return `container ${f.container ?? '?'} of pod ${f.pod} exited${f.exitCode === undefined ? '' : ` with code ${f.exitCode}`} (${f.restartCount} restarts)`;
    case 'create-container-config-error':
      return `${f.missing ? `${f.missing.kind} ${f.missing.name}${f.missing.key ? ` key ${f.missing.key}` : ''} is missing` : f.message} (pod ${f.pod})`;
    case 'container-start-error':
      return `container ${f.container ?? '?'} of pod ${f.pod}: ${f.message}`;
    case 'readiness-probe-failing':
      return `${f.message} (pod ${f.pod}, ${f.failures} failures)`;
    case 'unschedulable':
      return `pod ${f.pod}: ${f.message}`;
    case 'container-exited':
      return `container ${f.container ?? '?'} of pod ${f.pod} exited with code ${f.exitCode}`;
    case 'rollout-deadline':
    case 'workload-failed':
      return `${f.workload}: ${f.message}`;
    default:
      return unreachable(f);
  }
}
