import { err, ok, type Result } from '../core/result.ts';
import type { ProcessRunner } from '../system/process-runner.ts';

/** A node of a k3d cluster, as `k3d cluster list -o json` reports it. */
export interface K3dNode {
  readonly name: string;
  /** `server`, `agent`, `loadbalancer`, … */
  readonly role: string;
  readonly running: boolean;
}

/** One cluster from `k3d cluster list -o json` (the stable fields only). */
export interface K3dCluster {
  readonly name: string;
  readonly serversCount: number;
  readonly serversRunning: number;
  readonly agentsCount: number;
  readonly agentsRunning: number;
  readonly nodes: readonly K3dNode[];
}

/** One registry from `k3d registry list -o json`. */
export interface K3dRegistry {
  /** Container name, e.g. `k3d-registry.localhost`; also its name inside the cluster network. */
  readonly name: string;
  readonly running: boolean;
  /** Cluster it was created with (`k3d.cluster` label), if any. */
  readonly cluster: string | undefined;
  /** Host port it is published on (`k3s.registry.port.external`). */
  readonly hostPort: string | undefined;
  /** Host IP it is published on (`k3d.registry.hostIP`). */
  readonly hostIp: string | undefined;
}

/** Why a k3d call gave no answer. */
export type K3dFailure = { readonly reason: 'k3d-not-installed' } | { readonly reason: 'k3d-failed'; readonly detail: string };

/** The nodes that hold images: servers and agents, not load balancers or registries. */
export function imageNodes(cluster: K3dCluster): readonly K3dNode[] {
  return cluster.nodes.filter((n) => n.role === 'server' || n.role === 'agent');
}

/**
 * The few k3d commands delivery reads, through the process runner, with
 * their JSON parsed into the stable fields. Tolerant of missing fields so a
 * k3d upgrade or a stand-in binary does not break discovery.
 */
export class K3dCli {
  readonly #runner: ProcessRunner;
  readonly #command: string;

  constructor(options: { readonly runner: ProcessRunner; readonly command?: string }) {
    this.#runner = options.runner;
    this.#command = options.command ?? 'k3d';
  }

  /** `k3d version`, first line's version, e.g. `v5.8.3`. */
  async version(): Promise<Result<string | undefined, K3dFailure>> {
    const run = await this.#run(['version']);
    if (!run.ok) return run;
    return ok(/v?\d+\.\d+\.\d+\S*/.exec(run.value)?.[0]);
  }

  async clusters(): Promise<Result<K3dCluster[], K3dFailure>> {
    const run = await this.#run(['cluster', 'list', '-o', 'json']);
    if (!run.ok) return run;
    const parsed = parseJsonArray(run.value);
    if (!parsed.ok) return parsed;
    return ok(parsed.value.map(toCluster));
  }

  async registries(): Promise<Result<K3dRegistry[], K3dFailure>> {
    const run = await this.#run(['registry', 'list', '-o', 'json']);
    if (!run.ok) return run;
    const parsed = parseJsonArray(run.value);
    if (!parsed.ok) return parsed;
    return ok(parsed.value.map(toRegistry));
  }

  async #run(args: readonly string[]): Promise<Result<string, K3dFailure>> {
    const result = await this.#runner.run(this.#command, args, { timeoutMs: 30_000 });
    if (result.notFound) return err({ reason: 'k3d-not-installed' });
    if (result.exitCode !== 0) return err({ reason: 'k3d-failed', detail: lastLines(result.stderr || result.stdout) || 'no output' });
    return ok(result.stdout);
  }
}

function parseJsonArray(text: string): Result<unknown[], K3dFailure> {
  try {
    const value: unknown = JSON.parse(text.trim() === '' ? '[]' : text);
    return Array.isArray(value) ? ok(value) : err({ reason: 'k3d-failed', detail: 'expected a JSON array' });
  } catch {
    return err({ reason: 'k3d-failed', detail: `not JSON: ${text.slice(0, 120)}` });
  }
}

function toCluster(value: unknown): K3dCluster {
  const v = asRecord(value);
  const nodes = Array.isArray(v.nodes) ? v.nodes.map(toNode) : [];
  const count = (key: string, role: string, running: boolean): number => {
    const given = v[key];
    if (typeof given === 'number') return given;
    return nodes.filter((n) => n.role === role && (!running || n.running)).length;
  };
  return {
    name: str(v.name) ?? '',
    serversCount: count('serversCount', 'server', false),
    serversRunning: count('serversRunning', 'server', true),
    agentsCount: count('agentsCount', 'agent', false),
    agentsRunning: count('agentsRunning', 'agent', true),
    nodes,
  };
}

function toNode(value: unknown): K3dNode {
  const v = asRecord(value);
  const state = asRecord(v.State ?? v.state);
  return { name: str(v.name) ?? '', role: str(v.role) ?? '', running: state.Running === true || state.running === true };
}

function toRegistry(value: unknown): K3dRegistry {
  const v = asRecord(value);
  const labels = asRecord(v.runtimeLabels);
  const state = asRecord(v.State ?? v.state);
  let hostPort = str(labels['k3s.registry.port.external']);
  let hostIp = str(labels['k3d.registry.hostIP']);
  if (hostPort === undefined) {
    const mappings = asRecord(v.portMappings);
    for (const bindings of Object.values(mappings)) {
      const first = Array.isArray(bindings) ? asRecord(bindings[0]) : {};
      hostPort ??= str(first.HostPort);
      hostIp ??= str(first.HostIp);
    }
  }
  return {
    name: str(v.name) ?? '',
    running: state.Running === true || state.running === true,
    cluster: str(labels['k3d.cluster']),
    hostPort,
    hostIp,
  };
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The last few lines of command output, for error details. */
export function lastLines(text: string, count = 3): string {
  return text.trim().split(/\r?\n/).slice(-count).join(' | ').trim();
}
