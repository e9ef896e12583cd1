import { err, ok, type Result } from '../core/result.ts';
import type { RegistryClient } from '../deliver/registry-client.ts';
import type { KubeConnect } from './cluster-verify.ts';
import { type ClusterTarget, clusterRunning, type K3dCommandError, type K3dState } from './k3d-cluster.ts';

/** The facts `devloop cluster status --json` prints. */
export interface ClusterStatusReport {
  readonly cluster: string;
  readonly context: string;
  readonly k3dVersion: string | null;
  readonly exists: boolean;
  readonly running: boolean;
  readonly servers: string | null;
  readonly agents: string | null;
  readonly api: { readonly ok: boolean; readonly detail: string };
  readonly registry: {
    readonly name: string;
    readonly running: boolean;
    readonly hostPort: string | null;
    readonly reachable: boolean;
  } | null;
}

/** One line of the status for people: well, not well (with what to run), or not there (k3d knows no registry). */
export interface StatusLine {
  readonly state: 'ok' | 'failed' | 'absent';
  readonly text: string;
  readonly fix?: string;
}

/** The state of the configured k3d cluster, its API and its registry. */
export interface ClusterStatus {
  readonly report: ClusterStatusReport;
  /** The cluster runs, its API answers, and its registry (when k3d has one) answers `/v2/`. */
  readonly healthy: boolean;
  readonly lines: readonly StatusLine[];
}

/**
 * Asks k3d for the cluster and its registry, the API server for its nodes
 * (only when the cluster runs) and the registry for `/v2/` (only when k3d
 * has one); an unanswered k3d is the error.
 */
export async function clusterStatus(deps: {
  driver: { state(target: ClusterTarget): Promise<Result<K3dState, K3dCommandError>> };
  connect: KubeConnect;
  registryClient: RegistryClient;
  target: ClusterTarget;
}): Promise<Result<ClusterStatus, K3dCommandError>> {
  const { target } = deps;
  const state = await deps.driver.state(target);
  if (!state.ok) return err(state.error);
  const { cluster, registry, version, otherClusters } = state.value;
  const context = `k3d-${target.name}`;
  const running = cluster !== undefined && clusterRunning(cluster);
  let api: { ok: boolean; detail: string } = { ok: false, detail: 'not checked' };
  if (running) {
    const connected = await deps.connect(context);
    if (!connected.ok) api = { ok: false, detail: connected.error };
    else {
      const nodes = await connected.value.list({ apiVersion: 'v1', kind: 'Node' });
      api = nodes.ok ? { ok: true, detail: `${nodes.value.length} node(s)` } : { ok: false, detail: nodes.error.message };
    }
  }
  const registryHost = registry?.hostPort ? `localhost:${registry.hostPort}` : `localhost:${target.registry.port}`;
  const ping = registry ? await deps.registryClient.ping(registryHost) : undefined;
  const healthy = running && api.ok && (registry === undefined || ping?.ok === true);
  const report: ClusterStatusReport = {
    cluster: target.name,
    context,
    k3dVersion: version ?? null,
    exists: cluster !== undefined,
    running,
    servers: cluster ? `${cluster.serversRunning}/${cluster.serversCount}` : null,
    agents: cluster ? `${cluster.agentsRunning}/${cluster.agentsCount}` : null,
    api,
    registry: registry
      ? { name: registry.name, running: registry.running, hostPort: registry.hostPort ?? null, reachable: ping?.ok ?? false }
      : null,
  };
  if (!cluster) {
    const known = otherClusters.length ? ` (k3d has: ${otherClusters.join(', ')})` : '';
    return ok({
      report,
      healthy,
      lines: [{ state: 'failed', text: `cluster ${target.name} does not exist${known}`, fix: 'devloop cluster create' }],
    });
  }
  const lines: StatusLine[] = [
    {
      state: running ? 'ok' : 'failed',
      text: `cluster ${target.name}: servers ${cluster.serversRunning}/${cluster.serversCount}, agents ${cluster.agentsRunning}/${cluster.agentsCount}`,
      ...(running ? {} : { fix: `k3d cluster start ${target.name}  (or devloop cluster create)` }),
    },
    { state: api.ok ? 'ok' : 'failed', text: `API through ${context}: ${api.detail}` },
  ];
  if (registry) {
    const answer = ping?.ok
      ? 'answers /v2/'
      : ping && !ping.ok
        ? ping.error.reason === 'registry-unreachable'
          ? ping.error.detail
          : 'name does not resolve'
        : 'not checked';
    lines.push({
      state: ping?.ok === true ? 'ok' : 'failed',
      text: `registry ${registry.name}${registry.hostPort ? ` on ${registryHost}` : ''}: ${answer}`,
    });
  } else {
    lines.push({ state: 'absent', text: `registry ${target.registry.name}: k3d does not know it; devloop delivers with k3d image import` });
  }
  return ok({ report, healthy, lines });
}
