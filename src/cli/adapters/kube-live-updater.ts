import type { ResolvedConfig } from '../../config/resolved-config.ts';
import { err, ok, type Result } from '../../core/result.ts';
import type { LiveUpdater, SyncFailure, SyncFile, SyncReport } from '../../engine/ports.ts';
import {
  type ContainerSyncFailure,
  type ContainerTarget,
  describeSyncFailure,
  isLastingSyncFailure,
  runInContainer,
  syncablePods,
  syncIntoContainer,
} from '../../k8s/container-sync.ts';
import type { KubeClient, WatchHandle } from '../../k8s/kube-client.ts';
import type { KubeObject, Pod } from '../../k8s/kube-types.ts';
import { defaultNamespace, injectImages } from '../../k8s/manifests.ts';
import { type TarEntry, tarArchive } from '../../k8s/tar-archive.ts';
import type { FileSystem } from '../../system/file-system.ts';
import { labelSelector } from './kube-log-follower.ts';

/**
 * The engine's `LiveUpdater` over the Kubernetes exec API: the changed files
 * as one tar stream into `tar -x -C /` and deletions through `rm`, into
 * every ready pod of the resource's workload (every container running the
 * image), all pods at once; then the `run` commands in each. A failure comes
 * back in plain words with its fix, and says whether the next sync would
 * fail the same way.
 */
export class KubeLiveUpdater implements LiveUpdater {
  readonly #client: KubeClient;
  readonly #config: ResolvedConfig;
  readonly #objects: readonly KubeObject[];
  readonly #fs: FileSystem;
  /** Pods by `namespace/selector`, kept by a watch from the first sync on, so a sync does not list them first. */
  #pods = new Map<string, { handle: WatchHandle; pods: Map<string, Pod>; synced: boolean }>();

  constructor(options: { client: KubeClient; config: ResolvedConfig; objects: readonly KubeObject[]; fs: FileSystem }) {
    this.#client = options.client;
    this.#config = options.config;
    this.#objects = defaultNamespace(options.objects, options.config.cluster.namespace);
    this.#fs = options.fs;
  }

  async sync(
    request: { resource: string; image: string; files: readonly SyncFile[]; runs: readonly (readonly string[])[] },
    signal: AbortSignal,
  ): Promise<Result<SyncReport, SyncFailure>> {
    const r = this.#config.resources[request.resource];
    const workload = r && this.#objects.find((o) => o.kind === r.workload.kind && o.metadata.name === r.workload.name);
    const selector = workload && labelSelector(workload);
    if (!r || !workload || !selector) return fail(`no workload with a label selector for ${request.resource}`, 'check the manifests');
    const namespace = workload.metadata.namespace ?? this.#config.cluster.namespace;
    const repository = this.#config.images[request.image]?.repository ?? request.image;
    const { injected } = injectImages([workload], {
      images: [{ name: request.image, repository, ref: request.image }],
      mappings: [{ workload: r.workload, containers: r.containers }],
    });
    const containers = injected.filter((i) => !i.init).map((i) => i.container);
    const known = this.#watchedPods(namespace, selector);
    let candidates: Pod[];
    if (known) candidates = known;
    else {
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

    const entries: TarEntry[] = [];
    const deletions: string[] = [];
    for (const file of request.files) {
      // A symlink is copied as the file it points to; a path that is gone (also since the plan) is deleted; a directory needs nothing.
      const local = file.kind === 'write' ? await this.#fs.realPath(file.localPath) : undefined;
      const stat = local === undefined ? undefined : await this.#fs.stat(local);
      if (local !== undefined && stat?.kind === 'file') {
        entries.push({ path: file.containerPath, content: await this.#fs.readBytes(local), mode: stat.mode });
      } else if (stat === undefined) deletions.push(file.containerPath);
    }
    const archive = entries.length > 0 ? tarArchive(entries) : undefined;
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
    for (const w of this.#pods.values()) w.handle.stop();
    this.#pods.clear();
  }

  /** The pods a watch knows, once it has listed them; starts the watch on first use. */
  #watchedPods(namespace: string, selector: string): Pod[] | undefined {
    const key = `${namespace}/${selector}`;
    let entry = this.#pods.get(key);
    if (!entry) {
      const pods = new Map<string, Pod>();
      const created: { handle: WatchHandle; pods: Map<string, Pod>; synced: boolean } = {
        handle: { stop: () => undefined },
        pods,
        synced: false,
      };
      created.handle = this.#client.watch({ kind: 'Pod', namespace, labelSelector: selector }, (event) => {
        if (event.type === 'sync') {
          pods.clear();
          for (const o of event.objects) pods.set(o.metadata.name, o as Pod);
          created.synced = true;
        } else if (event.type === 'added' || event.type === 'modified') pods.set(event.object.metadata.name, event.object as Pod);
        else if (event.type === 'deleted') pods.delete(event.object.metadata.name);
        else created.synced = false;
      });
      this.#pods.set(key, created);
      entry = created;
    }
    return entry.synced ? [...entry.pods.values()] : undefined;
  }
}

function fail(message: string, fix: string): Result<never, SyncFailure> {
  return err({ problem: { stage: 'sync', reason: 'sync-no-target', message, fix }, lasting: false });
}
