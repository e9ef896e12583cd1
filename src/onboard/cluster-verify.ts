import { setTimeout as delay } from 'node:timers/promises';
import { err, ok, type Result } from '../core/result.ts';
import { lastLines } from '../deliver/k3d-cli.ts';
import { LOCAL_REGISTRY_HOSTING, parseLocalRegistryHosting } from '../deliver/registry-hosting.ts';
import type { KubeClient } from '../k8s/kube-client.ts';
import type { KubeObject } from '../k8s/kube-types.ts';
import { type ProcessRunner, succeeded } from '../system/process-runner.ts';
import type { RegistryAddress } from './names.ts';

/** Opens a client for a kube context, reading the kubeconfig afresh (k3d just rewrote it). */
export type KubeConnect = (context: string) => Promise<Result<KubeClient, string>>;

/** Why the new cluster could not be shown to work. */
export type VerifyError =
  | { readonly reason: 'cluster-not-ready'; readonly context: string; readonly waitedMs: number; readonly detail: string }
  | { readonly reason: 'docker-not-installed' }
  | { readonly reason: 'probe-image-unavailable'; readonly image: string; readonly detail: string }
  | { readonly reason: 'registry-push-failed'; readonly image: string; readonly detail: string }
  | { readonly reason: 'registry-pull-failed'; readonly image: string; readonly waitingReason: string; readonly detail: string }
  | { readonly reason: 'probe-pod-failed'; readonly pod: string; readonly detail: string }
  | { readonly reason: 'probe-timeout'; readonly pod: string; readonly waitedMs: number; readonly phase: string }
  | { readonly reason: 'kube-call-failed'; readonly detail: string };

/** Steps of readiness and proof, for the command to show as they happen. */
export type VerifyEvent =
  | { readonly type: 'waiting-for-api'; readonly context: string }
  | { readonly type: 'cluster-ready'; readonly nodes: readonly string[]; readonly elapsedMs: number }
  | { readonly type: 'registry-found'; readonly pushHost: string; readonly pullHost: string; readonly source: 'configmap' | 'default' }
  | { readonly type: 'image-pushed'; readonly image: string; readonly elapsedMs: number }
  | { readonly type: 'pod-pulled'; readonly pod: string; readonly image: string; readonly elapsedMs: number };

/** Time, injectable so waits are tested without waiting. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms, signal) => delay(ms, undefined, signal ? { signal } : {}).catch(() => undefined),
};

/**
 * Waits until the API answers through `context`, every node is Ready and
 * the `default` ServiceAccount exists (pods are refused before it does).
 * Polls every `intervalMs`; gives up after `timeoutMs` with the last reason.
 */
export async function waitForCluster(options: {
  readonly connect: KubeConnect;
  readonly context: string;
  readonly namespace?: string;
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
  readonly clock?: Clock;
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: VerifyEvent) => void;
}): Promise<Result<{ readonly client: KubeClient; readonly nodes: readonly string[] }, VerifyError>> {
  const clock = options.clock ?? systemClock;
  const timeoutMs = options.timeoutMs ?? 180_000;
  const namespace = options.namespace ?? 'default';
  const started = clock.now();
  options.onEvent?.({ type: 'waiting-for-api', context: options.context });
  let detail = 'no answer yet';
  while (!options.signal?.aborted) {
    const connected = await options.connect(options.context);
    if (!connected.ok) detail = connected.error;
    else {
      const client = connected.value;
      const nodes = await client.list({ apiVersion: 'v1', kind: 'Node' });
      if (!nodes.ok) detail = nodes.error.message;
      else {
        const notReady = nodes.value.filter((n) => !nodeReady(n)).map((n) => n.metadata.name);
        if (nodes.value.length === 0) detail = 'no nodes registered yet';
        else if (notReady.length > 0) detail = `node ${notReady.join(', ')} not Ready`;
        else {
          const account = await client.get({ apiVersion: 'v1', kind: 'ServiceAccount', name: 'default', namespace });
          if (!account.ok) detail = account.error.message;
          else if (!account.value) detail = `ServiceAccount ${namespace}/default not created yet`;
          else {
            const names = nodes.value.map((n) => n.metadata.name);
            options.onEvent?.({ type: 'cluster-ready', nodes: names, elapsedMs: clock.now() - started });
            return ok({ client, nodes: names });
          }
        }
      }
    }
    if (clock.now() - started >= timeoutMs) break;
    await clock.sleep(options.intervalMs ?? 1000, options.signal);
  }
  return err({ reason: 'cluster-not-ready', context: options.context, waitedMs: clock.now() - started, detail });
}

function nodeReady(node: KubeObject): boolean {
  const conditions = (node.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? [];
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

/**
 * Where the host pushes and the nodes pull: the cluster's
 * `local-registry-hosting` ConfigMap when k3d wrote one, else
 * `localhost:<port>` and `<registry>:<port>` as k3d sets them up.
 */
export async function registryHosts(
  client: KubeClient,
  registry: RegistryAddress,
): Promise<{ readonly pushHost: string; readonly pullHost: string; readonly source: 'configmap' | 'default' }> {
  const read = await client.readConfigMap(LOCAL_REGISTRY_HOSTING.namespace, LOCAL_REGISTRY_HOSTING.name);
  const hosting = read.ok && read.value ? parseLocalRegistryHosting(read.value) : undefined;
  if (hosting?.host) return { pushHost: hosting.host, pullHost: hosting.hostFromContainerRuntime ?? hosting.host, source: 'configmap' };
  return { pushHost: `localhost:${registry.port}`, pullHost: `${registry.name}:${registry.port}`, source: 'default' };
}

/** The waiting reasons that mean the pull will not succeed by waiting. */
const pullFailures = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull']);

/**
 * Proves the registry path end to end: tags a tiny local image, pushes it to
 * `pushHost`, and runs a pod that must pull it from `pullHost` (policy
 * Always) and exit 0. Cleans up the pod and the local tag either way.
 */
export async function proveRegistry(options: {
  readonly runner: ProcessRunner;
  readonly client: KubeClient;
  readonly pushHost: string;
  readonly pullHost: string;
  /** A small image with `true`, pulled by docker when not present (e.g. `busybox:1.36`). */
  readonly probeImage: string;
  readonly namespace?: string;
  /** Unique per run, so the pull cannot be served from a node's cache. */
  readonly tag: string;
  readonly timeoutMs?: number;
  readonly clock?: Clock;
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: VerifyEvent) => void;
}): Promise<Result<{ readonly image: string }, VerifyError>> {
  const { runner, client, probeImage, tag } = options;
  const clock = options.clock ?? systemClock;
  const namespace = options.namespace ?? 'default';
  const docker = (args: readonly string[], timeoutMs = 120_000) =>
    runner.run('docker', args, { timeoutMs, ...(options.signal ? { signal: options.signal } : {}) });
  const started = clock.now();

  const inspect = await docker(['image', 'inspect', '--format', '{{.Id}}', probeImage], 30_000);
  if (inspect.notFound) return err({ reason: 'docker-not-installed' });
  if (!succeeded(inspect)) {
    const pull = await docker(['pull', probeImage], 300_000);
    if (!succeeded(pull))
      return err({ reason: 'probe-image-unavailable', image: probeImage, detail: lastLines(pull.stderr || pull.stdout) });
  }
  const pushRef = `${options.pushHost}/devloop-probe:${tag}`;
  const pullRef = `${options.pullHost}/devloop-probe:${tag}`;
  const tagged = await docker(['tag', probeImage, pushRef], 30_000);
  if (!succeeded(tagged)) return err({ reason: 'registry-push-failed', image: pushRef, detail: lastLines(tagged.stderr) });
  const pushed = await docker(['push', pushRef], 300_000);
  await docker(['image', 'rm', pushRef], 30_000);
  if (!succeeded(pushed)) return err({ reason: 'registry-push-failed', image: pushRef, detail: lastLines(pushed.stderr || pushed.stdout) });
  options.onEvent?.({ type: 'image-pushed', image: pushRef, elapsedMs: clock.now() - started });

  const podName = `devloop-probe-${tag}`
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .slice(0, 63);
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: podName, namespace, labels: { 'app.kubernetes.io/managed-by': 'devloop', 'devloop.dev/probe': 'registry' } },
    spec: {
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: 0,
      automountServiceAccountToken: false,
      containers: [{ name: 'probe', image: pullRef, imagePullPolicy: 'Always', command: ['true'] }],
    },
  };
  const podRef = { apiVersion: 'v1', kind: 'Pod', name: podName, namespace };
  const applied = await client.apply(pod);
  if (!applied.ok) return err({ reason: 'kube-call-failed', detail: applied.error.message });
  try {
    const pullStarted = clock.now();
    const timeoutMs = options.timeoutMs ?? 120_000;
    let phase = 'Pending';
    while (!options.signal?.aborted) {
      const current = await client.get(podRef);
      if (!current.ok) return err({ reason: 'kube-call-failed', detail: current.error.message });
      const status = (current.value?.status ?? {}) as PodStatusView;
      phase = status.phase ?? 'Pending';
      const container = status.containerStatuses?.[0];
      const waiting = container?.state?.waiting;
      if (waiting?.reason && pullFailures.has(waiting.reason)) {
        return err({ reason: 'registry-pull-failed', image: pullRef, waitingReason: waiting.reason, detail: waiting.message ?? '' });
      }
      const terminated = container?.state?.terminated;
      if (phase === 'Succeeded' || terminated?.exitCode === 0) {
        options.onEvent?.({ type: 'pod-pulled', pod: podName, image: pullRef, elapsedMs: clock.now() - pullStarted });
        return ok({ image: pullRef });
      }
      if (phase === 'Failed' || (terminated && terminated.exitCode !== 0)) {
        return err({ reason: 'probe-pod-failed', pod: podName, detail: terminated?.message ?? terminated?.reason ?? `phase ${phase}` });
      }
      if (clock.now() - pullStarted >= timeoutMs) break;
      await clock.sleep(500, options.signal);
    }
    return err({ reason: 'probe-timeout', pod: podName, waitedMs: clock.now() - pullStarted, phase });
  } finally {
    await client.delete(podRef);
  }
}

interface PodStatusView {
  phase?: string;
  containerStatuses?: {
    state?: {
      waiting?: { reason?: string; message?: string };
      terminated?: { exitCode?: number; reason?: string; message?: string };
    };
  }[];
}
