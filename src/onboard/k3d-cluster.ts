import { err, ok, type Result } from '../core/result.ts';
import { K3dCli, type K3dCluster, type K3dRegistry, lastLines } from '../deliver/k3d-cli.ts';
import type { ProcessRunner } from '../system/process-runner.ts';
import type { RegistryAddress } from './names.ts';

/** The cluster `devloop cluster` manages, from devloop.config.ts (or the defaults). */
export interface ClusterTarget {
  /** k3d cluster name; the kube context is `k3d-<name>`. */
  readonly name: string;
  readonly registry: RegistryAddress;
}

/** Why a k3d command failed. */
export type K3dCommandError =
  | { readonly reason: 'k3d-not-installed' }
  | { readonly reason: 'k3d-failed'; readonly command: readonly string[]; readonly detail: string };

/** What k3d knows about the target: the cluster and its registry, when they exist. */
export interface K3dState {
  readonly version: string | undefined;
  readonly cluster: K3dCluster | undefined;
  readonly registry: K3dRegistry | undefined;
  /** Other clusters, for "did you mean". */
  readonly otherClusters: readonly string[];
}

/*
 * Every k3d command line below puts its flags first and `--` before the
 * names: k3d (cobra) then reads a name as a name even if it looked like a
 * flag (`--all`). The names are validated too (`core/k3d-name.ts`); this is
 * the second lock.
 */

/** The exact k3d command line that creates the target from a k3d config file. */
export function createClusterArgs(target: ClusterTarget, configFile: string): string[] {
  return ['cluster', 'create', '--config', configFile, '--', target.name];
}

/** The k3d command line that starts a stopped cluster and waits for it. */
export function startClusterArgs(target: ClusterTarget): string[] {
  return ['cluster', 'start', '--wait', '--', target.name];
}

/** The k3d command line that deletes the cluster. */
export function deleteClusterArgs(target: ClusterTarget): string[] {
  return ['cluster', 'delete', '--', target.name];
}

/** The k3d command line that deletes a registry k3d left behind. */
export function deleteRegistryArgs(name: string): string[] {
  return ['registry', 'delete', '--', name];
}

/** True when every server (and agent) node of the cluster runs. */
export function clusterRunning(cluster: K3dCluster): boolean {
  return cluster.serversCount > 0 && cluster.serversRunning === cluster.serversCount && cluster.agentsRunning === cluster.agentsCount;
}

/**
 * Drives the k3d CLI for `devloop cluster`: reads its state and runs
 * create, start and delete, streaming k3d's own lines to `onLine`. Reading
 * goes through the delivery module's `K3dCli`, so both parse k3d alike.
 */
export class K3dClusterDriver {
  readonly #runner: ProcessRunner;
  readonly #cli: K3dCli;

  constructor(options: { readonly runner: ProcessRunner }) {
    this.#runner = options.runner;
    this.#cli = new K3dCli({ runner: options.runner });
  }

  /** k3d's version and what it knows about the target. */
  async state(target: ClusterTarget): Promise<Result<K3dState, K3dCommandError>> {
    const version = await this.#cli.version();
    if (!version.ok) return err(toError(version.error, ['version']));
    const clusters = await this.#cli.clusters();
    if (!clusters.ok) return err(toError(clusters.error, ['cluster', 'list', '-o', 'json']));
    const registries = await this.#cli.registries();
    if (!registries.ok) return err(toError(registries.error, ['registry', 'list', '-o', 'json']));
    return ok({
      version: version.value,
      cluster: clusters.value.find((c) => c.name === target.name),
      registry: registries.value.find((r) => r.name === target.registry.name),
      otherClusters: clusters.value.map((c) => c.name).filter((n) => n !== target.name),
    });
  }

  create(target: ClusterTarget, configFile: string, options: RunHooks = {}): Promise<Result<void, K3dCommandError>> {
    return this.#run(createClusterArgs(target, configFile), options, 600_000);
  }

  start(target: ClusterTarget, options: RunHooks = {}): Promise<Result<void, K3dCommandError>> {
    return this.#run(startClusterArgs(target), options, 300_000);
  }

  /** Deletes the cluster, then its registry if k3d left it behind. */
  async delete(target: ClusterTarget, options: RunHooks = {}): Promise<Result<void, K3dCommandError>> {
    const deleted = await this.#run(deleteClusterArgs(target), options, 300_000);
    if (!deleted.ok) return deleted;
    const registries = await this.#cli.registries();
    const left = registries.ok ? registries.value.find((r) => r.name === target.registry.name) : undefined;
    if (left && (left.cluster === undefined || left.cluster === target.name)) {
      return this.#run(deleteRegistryArgs(left.name), options, 120_000);
    }
    return ok(undefined);
  }

  async #run(args: readonly string[], hooks: RunHooks, timeoutMs: number): Promise<Result<void, K3dCommandError>> {
    const result = await this.#runner.run('k3d', args, {
      timeoutMs,
      ...(hooks.signal ? { signal: hooks.signal } : {}),
      ...(hooks.onLine ? { onLine: (line: string) => hooks.onLine?.(line) } : {}),
    });
    if (result.notFound) return err({ reason: 'k3d-not-installed' });
    if (result.exitCode !== 0 || result.cancelled) {
      const detail = result.cancelled
        ? 'stopped before it finished'
        : lastLines(result.stderr || result.stdout, 4) || `exit code ${result.exitCode}`;
      return err({ reason: 'k3d-failed', command: ['k3d', ...args], detail });
    }
    return ok(undefined);
  }
}

/** Callbacks for a long k3d command. */
export interface RunHooks {
  readonly onLine?: (line: string) => void;
  readonly signal?: AbortSignal;
}

function toError(
  failure: { readonly reason: 'k3d-not-installed' } | { readonly reason: 'k3d-failed'; readonly detail: string },
  args: readonly string[],
): K3dCommandError {
  return failure.reason === 'k3d-not-installed' ? failure : { reason: 'k3d-failed', command: ['k3d', ...args], detail: failure.detail };
}
