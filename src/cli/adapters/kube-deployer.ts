import type { ResolvedConfig } from '../../config/resolved-config.ts';
import { describeManifestSource } from '../../core/manifest-source.ts';
import type { FailureReason, Problem } from '../../core/problem.ts';
import { err, ok, type Result } from '../../core/result.ts';
import type { DeliveredImage, Deployer, LiveChange, RolloutProgress } from '../../engine/ports.ts';
import { summarizeFailure } from '../../k8s/diagnosis.ts';
import { applyObjects } from '../../k8s/inventory.ts';
import { type ContainerImagePatch, formatKubeError, type KubeClient } from '../../k8s/kube-client.ts';
import type { KubeObject } from '../../k8s/kube-types.ts';
import { defaultNamespace, type ImageInjection, type Injected, injectImages } from '../../k8s/manifests.ts';
import { followRollout } from '../../k8s/rollout-watcher.ts';
import { watchWorkload } from '../../k8s/workload-drift.ts';
import { labelSelector } from './kube-log-follower.ts';

/** Inputs of the Kubernetes deployer. */
export interface KubeDeployerOptions {
  readonly client: KubeClient;
  readonly config: ResolvedConfig;
  /** Every object of the configured manifests, as read. */
  readonly objects: readonly KubeObject[];
  /** Image references delivered by import: diagnosis flags a pull policy that would pull them. */
  readonly importedImages: Set<string>;
}

/**
 * The engine's `Deployer` over the k8s module: server-side apply of a
 * resource's workload (plus every object that is no resource's workload, on
 * the first apply), strategic-merge image patches afterwards, and rollouts
 * followed by watches with a diagnosis when they cannot succeed.
 */
export class KubeDeployer implements Deployer {
  readonly #o: KubeDeployerOptions;
  #sharedApplied = false;
  #namespaceReady = false;
  /** Workload name → container → the image reference devloop last put there. */
  #deployed = new Map<string, Map<string, string>>();
  /** Per resource: the pods its last rollout found ready, so the live watch can tell one deleted before it began. */
  #readyPods = new Map<string, readonly string[]>();

  constructor(options: KubeDeployerOptions) {
    this.#o = options;
  }

  #namespace(): string {
    return this.#o.config.cluster.namespace;
  }

  #workloadOf(resource: string): KubeObject | undefined {
    const r = this.#o.config.resources[resource];
    if (!r) return undefined;
    return this.#objects().find((o) => o.kind === r.workload.kind && o.metadata.name === r.workload.name);
  }

  #objects(): KubeObject[] {
    return defaultNamespace(this.#o.objects, this.#namespace());
  }

  #injections(images: ReadonlyMap<string, DeliveredImage>): ImageInjection[] {
    return [...images.values()].map((d) => ({
      name: d.image,
      repository: this.#o.config.images[d.image]?.repository ?? d.image,
      ref: d.deployRef,
      pullPolicy: d.imagePullPolicy,
    }));
  }

  #mappings() {
    return Object.values(this.#o.config.resources).map((r) => ({ workload: r.workload, containers: r.containers }));
  }

  async apply(resources: readonly string[], images: ReadonlyMap<string, DeliveredImage>): Promise<Result<void, Problem>> {
    const workloads = new Set(Object.values(this.#o.config.resources).map((r) => `${r.workload.kind}/${r.workload.name}`));
    const selected = this.#objects().filter((o) => {
      const key = `${o.kind}/${o.metadata.name}`;
      if (workloads.has(key)) return resources.some((name) => this.#workloadOf(name) === o || sameObject(this.#workloadOf(name), o));
      return !this.#sharedApplied;
    });
    for (const name of resources) {
      if (!this.#workloadOf(name)) {
        const r = this.#o.config.resources[name];
        return err({
          stage: 'deploy',
          reason: 'workload-not-in-manifests',
          message: `no ${r?.workload.kind ?? 'Deployment'} named ${r?.workload.name ?? name} in the manifests (${this.#o.config.manifests.map((m) => describeManifestSource(m, this.#o.config.rootDir)).join(', ') || 'none configured'})`,
          fix: `add it to a file listed in manifests, or set resources.${name}.workload.name to the right name`,
        });
      }
    }
    const { objects, injected } = injectImages(selected, { images: this.#injections(images), mappings: this.#mappings() });
    const namespace = await this.#ensureNamespace();
    if (!namespace.ok) return namespace;
    const applied = await applyObjects(this.#o.client, { rootDir: this.#o.config.rootDir, namespace: this.#namespace(), objects });
    if (!applied.ok) return err(kubeProblem('deploy', applied.error));
    const failed = applied.value.failed[0];
    if (failed) {
      return err({
        stage: 'deploy',
        reason: failed.error.reason,
        message: `${failed.ref.kind} ${failed.ref.name} was not applied: ${failed.error.message}`,
        fix: 'fix the manifest; the cluster refused it as written',
        details: applied.value.failed.map((f) => `${f.ref.kind}/${f.ref.name}: ${formatKubeError(f.error)}`),
      });
    }
    this.#sharedApplied = true;
    this.#record(injected);
    return ok(undefined);
  }

  /**
   * Creates the configured namespace when it does not exist and no manifest
   * declares it. It is not recorded as applied, so `devloop down` never
   * deletes a namespace (and whatever else lives in it).
   */
  async #ensureNamespace(): Promise<Result<void, Problem>> {
    const name = this.#namespace();
    if (this.#namespaceReady || this.#o.objects.some((o) => o.kind === 'Namespace' && o.metadata.name === name)) return ok(undefined);
    const ref = { apiVersion: 'v1', kind: 'Namespace', name };
    const existing = await this.#o.client.get(ref);
    if (existing.ok && !existing.value) {
      const created = await this.#o.client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
      if (!created.ok) return err(kubeProblem('deploy', created.error));
    } else if (!existing.ok) {
      return err(kubeProblem('deploy', existing.error));
    }
    this.#namespaceReady = true;
    return ok(undefined);
  }

  /** True when the API server answers a cheap read (the namespace, present or not). */
  async apiAnswers(): Promise<boolean> {
    return (await this.#o.client.get({ apiVersion: 'v1', kind: 'Namespace', name: this.#namespace() })).ok;
  }

  async patch(resource: string, images: ReadonlyMap<string, DeliveredImage>): Promise<Result<void, Problem>> {
    const workload = this.#workloadOf(resource);
    if (!workload) return this.apply([resource], images);
    const { injected } = injectImages([workload], { images: this.#injections(images), mappings: this.#mappings() });
    const pullPolicy = new Map([...images.values()].map((d) => [d.deployRef, d.imagePullPolicy]));
    const containers: ContainerImagePatch[] = injected.map((i) => ({
      container: i.container,
      image: i.image,
      imagePullPolicy: pullPolicy.get(i.image),
      init: i.init,
    }));
    if (containers.length === 0) return ok(undefined);
    const ref = {
      apiVersion: workload.apiVersion,
      kind: workload.kind,
      name: workload.metadata.name,
      namespace: workload.metadata.namespace ?? this.#namespace(),
    };
    const patched = await this.#o.client.patchImages(ref, containers);
    if (!patched.ok) {
      if (patched.error.reason === 'kube-not-found') return this.apply([resource], images);
      return err(kubeProblem('deploy', patched.error));
    }
    this.#record(injected);
    return ok(undefined);
  }

  #record(injected: readonly Injected[]): void {
    for (const i of injected) {
      if (i.kind !== 'Deployment') continue;
      const containers = this.#deployed.get(i.name) ?? new Map<string, string>();
      containers.set(i.container, i.image);
      this.#deployed.set(i.name, containers);
    }
  }

  watchLive(resource: string, onChange: (change: LiveChange) => void): { stop(): void } | undefined {
    const workload = this.#workloadOf(resource);
    const selector = workload && labelSelector(workload);
    const expected = workload && this.#deployed.get(workload.metadata.name);
    if (workload?.kind !== 'Deployment' || !selector || !expected) return undefined;
    return watchWorkload({
      client: this.#o.client,
      namespace: workload.metadata.namespace ?? this.#namespace(),
      name: workload.metadata.name,
      labelSelector: selector,
      expected,
      readyPods: this.#readyPods.get(resource) ?? [],
      onChange,
    });
  }

  async waitReady(
    resource: string,
    options: { signal: AbortSignal; onProgress: (p: RolloutProgress) => void },
  ): Promise<Result<RolloutProgress, Problem>> {
    const workload = this.#workloadOf(resource);
    if (!workload) return err({ stage: 'rollout', reason: 'workload-not-in-manifests', message: `no workload for ${resource}` });
    let last: RolloutProgress = { message: 'waiting for the rollout to start', podsReady: 0, podsWanted: 1 };
    const outcome = await followRollout({
      client: this.#o.client,
      namespace: workload.metadata.namespace ?? this.#namespace(),
      name: workload.metadata.name,
      importedImages: this.#o.importedImages,
      signal: options.signal,
      onStatus: (status) => {
        if (status.state === 'waiting') {
          last = { ...last, message: status.reason };
          options.onProgress(last);
        }
      },
    });
    switch (outcome.state) {
      case 'ready':
        this.#readyPods.set(resource, outcome.pods);
        return ok({ message: 'ready', podsReady: outcome.pods.length, podsWanted: outcome.pods.length });
      case 'cancelled':
        return err({ stage: 'rollout', reason: 'rollout-cancelled', message: 'cancelled' });
      case 'failed': {
        const f = outcome.failure;
        return err({
          stage: 'rollout',
          reason: f.reason,
          message: summarizeFailure(f),
          fix: f.fix,
          details: f.reason === 'crash-loop' ? f.lastLines : 'message' in f && f.message ? [f.message] : undefined,
        });
      }
    }
  }
}

function sameObject(a: KubeObject | undefined, b: KubeObject): boolean {
  return Boolean(a) && a?.kind === b.kind && a?.metadata.name === b.metadata.name;
}

/** A Kubernetes API failure as a problem the UI can show. */
export function kubeProblem(stage: Problem['stage'], error: { reason: FailureReason; message: string }): Problem {
  const fix =
    error.reason === 'kube-unreachable'
      ? 'is the cluster running? `k3d cluster list`, `kubectl cluster-info`'
      : error.reason === 'kube-forbidden'
        ? 'your kube user may not do this in that namespace'
        : undefined;
  return { stage, reason: error.reason, message: error.message, ...(fix ? { fix } : {}) };
}
