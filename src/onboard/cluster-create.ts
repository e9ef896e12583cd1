import { err, ok, type Result } from '../core/result.ts';
import type { ProcessRunner } from '../system/process-runner.ts';
import {
  type Clock,
  type KubeConnect,
  proveRegistry,
  registryHosts,
  systemClock,
  type VerifyError,
  type VerifyEvent,
  waitForCluster,
} from './cluster-verify.ts';
import {
  type ClusterTarget,
  clusterRunning,
  createClusterArgs,
  type K3dClusterDriver,
  type K3dCommandError,
  startClusterArgs,
} from './k3d-cluster.ts';

/** What `devloop cluster create` reports as it goes. */
export type CreateEvent =
  | { readonly type: 'k3d-version'; readonly version: string | undefined }
  | { readonly type: 'cluster-exists'; readonly name: string; readonly running: boolean }
  | { readonly type: 'k3d-started'; readonly command: readonly string[] }
  | { readonly type: 'k3d-line'; readonly line: string }
  | VerifyEvent;

export type CreateError = K3dCommandError | VerifyError;

/** What was done, for the summary line. */
export interface CreateSummary {
  readonly action: 'created' | 'started' | 'already-running';
  readonly context: string;
  readonly nodes: readonly string[];
  /** The image a pod pulled from the registry, when the proof ran. */
  readonly provedWith: string | undefined;
}

/**
 * `devloop cluster create`: makes the k3d cluster and its registry from the
 * k3d config file (or starts it, or finds it running), waits until the API,
 * the nodes and the default ServiceAccount are ready, then proves the
 * registry path by pushing a tiny image and having a pod pull it.
 */
export async function createCluster(options: {
  readonly driver: K3dClusterDriver;
  readonly runner: ProcessRunner;
  readonly target: ClusterTarget;
  /** The k3d config file (`k3d-cluster.yaml`). */
  readonly configFile: string;
  readonly connect: KubeConnect;
  readonly probeImage: string;
  /** Skip the wait and the proof (k3d's own `--wait` still applies). */
  readonly verify: boolean;
  readonly tag?: string;
  readonly clock?: Clock;
  readonly signal?: AbortSignal;
  readonly readyTimeoutMs?: number;
  readonly onEvent?: (event: CreateEvent) => void;
}): Promise<Result<CreateSummary, CreateError>> {
  const { driver, target } = options;
  const emit = options.onEvent ?? (() => {});
  const hooks = { onLine: (line: string) => emit({ type: 'k3d-line', line }), ...(options.signal ? { signal: options.signal } : {}) };
  const state = await driver.state(target);
  if (!state.ok) return state;
  emit({ type: 'k3d-version', version: state.value.version });

  let action: CreateSummary['action'];
  const existing = state.value.cluster;
  if (existing) {
    const running = clusterRunning(existing);
    emit({ type: 'cluster-exists', name: target.name, running });
    if (running) action = 'already-running';
    else {
      emit({ type: 'k3d-started', command: ['k3d', ...startClusterArgs(target)] });
      const started = await driver.start(target, hooks);
      if (!started.ok) return started;
      action = 'started';
    }
  } else {
    emit({ type: 'k3d-started', command: ['k3d', ...createClusterArgs(target, options.configFile)] });
    const created = await driver.create(target, options.configFile, hooks);
    if (!created.ok) return created;
    action = 'created';
  }

  const context = `k3d-${target.name}`;
  if (!options.verify) return ok({ action, context, nodes: [], provedWith: undefined });
  const clock = options.clock ?? systemClock;
  const ready = await waitForCluster({
    connect: options.connect,
    context,
    clock,
    onEvent: emit,
    ...(options.readyTimeoutMs !== undefined ? { timeoutMs: options.readyTimeoutMs } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (!ready.ok) return ready;
  const hosts = await registryHosts(ready.value.client, target.registry);
  emit({ type: 'registry-found', ...hosts });
  const proof = await proveRegistry({
    runner: options.runner,
    client: ready.value.client,
    pushHost: hosts.pushHost,
    pullHost: hosts.pullHost,
    probeImage: options.probeImage,
    tag: options.tag ?? `t${Date.now().toString(36)}`,
    clock,
    onEvent: emit,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (!proof.ok) return err(proof.error);
  return ok({ action, context, nodes: ready.value.nodes, provedWith: proof.value.image });
}
