import type { Problem } from '../core/problem.ts';
import { err, ok, type Result } from '../core/result.ts';
import type { SyncFile } from '../core/sync-file.ts';
import type { FileSystem } from '../system/file-system.ts';
import {
  type ContainerSyncFailure,
  type ContainerTarget,
  describeSyncFailure,
  isLastingSyncFailure,
  runInContainer,
  syncablePods,
  syncIntoContainer,
} from './container-sync.ts';
import type { KubeClient } from './kube-client.ts';
import type { KubeObject, Pod } from './kube-types.ts';
import { defaultNamespace, injectImages } from './manifests.ts';
import { type WorkloadSettings, workloadPods } from './resource-workload.ts';
import { syncArchive } from './sync-archive.ts';
import { WatchedPods } from './watched-pods.ts';

/** What one sync did. */
export interface SyncReport {
  readonly pods: readonly string[];
  readonly files: number;
  readonly bytes: number;
}

/** A failed sync: the problem in plain words, and whether every later sync of this image would fail the same way. */
export interface SyncFailure {
  readonly problem: Problem;
  readonly lasting: boolean;
}

/**
 * Live update over the Kubernetes exec API: the changed files as one tar
 * stream into `tar -x -C /` and deletions through `rm`, into every ready pod
 * of the resource's workload (every container running the image), all pods
 * at once; then the `run` commands in each. A failure comes back in plain
 * words with its fix, and says whether the next sync would fail the same way.
 */
export class KubeLiveUpdater {
  readonly #client: KubeClient;
  readonly #config: Pick<WorkloadSettings, 'resources' | 'cluster' | 'images'>;
  readonly #objects: readonly KubeObject[];
  readonly #fs: FileSystem;
  readonly #pods: WatchedPods;

  constructor(options: {
    client: KubeClient;
    config: Pick<WorkloadSettings, 'resources' | 'cluster' | 'images'>;
    objects: readonly KubeObject[];
    fs: FileSystem;
  }) {
    this.#client = options.client;
    this.#config = options.config;
    this.#objects = defaultNamespace(options.objects, options.config.cluster.namespace);
    this.#fs = options.fs;
    this.#pods = new WatchedPods(options.client);
  }

  /** Copies the files into every ready pod of the resource running the image, in parallel, then runs the commands there. */
  async sync(
    request: { resource: string; image: string; files: readonly SyncFile[]; runs: readonly (readonly string[])[] },
    signal: AbortSignal,
  ): Promise<Result<SyncReport, SyncFailure>> {
    const found = workloadPods(this.#config, this.#objects, request.resource);
    if (!found) return fail(`no workload with a label selector for ${request.resource}`, 'check the manifests');
    const { namespace, selector } = found;
    const repository = this.#config.images[request.image]?.repository ?? request.image;
    const { injected } = injectImages([found.workload], {
      images: [{ name: request.image, repository, ref: request.image }],
      mappings: [{ workload: found.resource.workload, containers: found.resource.containers }],
    });
    const containers = injected.filter((i) => !i.init).map((i) => i.container);
    let candidates = this.#pods.pods(namespace, selector);
    if (!candidates) {
      const listed = await this.#client.list({ apiVersion: 'v1', kind: 'Pod', namespace, labelSelector: selector });
      if (!listed.ok) return fail(`cannot list the pods of ${request.resource}: ${listed.error.message}`, 'is the cluster running?');
      candidates = listed.value as Pod[];
    }
    const pods = syncablePods(candidates);
    if (pods.length === 0 || containers.length === 0) {
      return fail(
        `no ready pod of ${request.resource} runs ${request.image}`,
        'nothing to do: the rebuild brings it up with the current files',
      );
    }

    const { archive, deletions } = await syncArchive(this.#fs, request.files);
    const targets: ContainerTarget[] = pods.flatMap((p) => containers.map((container) => ({ namespace, pod: p.metadata.name, container })));
    const results = await Promise.all(
      targets.map(async (target) => {
        const synced = await syncIntoContainer(this.#client, target, { archive, deletions, signal });
        if (!synced.ok) return synced;
        for (const command of request.runs) {
          const ran = await runInContainer(this.#client, target, command, signal);
          if (!ran.ok) return ran;
        }
        return synced;
      }),
    );
    const failed = results.find((x): x is { ok: false; error: ContainerSyncFailure } => !x.ok);
    if (failed) {
      const { message, fix } = describeSyncFailure(failed.error);
      return err({ problem: { stage: 'sync', reason: failed.error.reason, message, fix }, lasting: isLastingSyncFailure(failed.error) });
    }
    return ok({ pods: pods.map((p) => p.metadata.name), files: request.files.length, bytes: archive?.length ?? 0 });
  }

  /** Stops the pod watches. */
  stopAll(): void {
    this.#pods.stopAll();
  }
}

function fail(message: string, fix: string): Result<never, SyncFailure> {
  return err({ problem: { stage: 'sync', reason: 'sync-no-target', message, fix }, lasting: false });
}
