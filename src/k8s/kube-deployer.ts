import type { Problem } from '../core/problem.ts';
import { err, ok, type Result } from '../core/result.ts';
import { ArrivingImages } from './arriving-images.ts';
import type { CrdWaitOptions } from './crd-wait.ts';
import { jobFromCronJob, runName } from './cronjob-run.ts';
import { kubeProblem, missingWorkloadProblem } from './deploy-problems.ts';
import { ensureNamespace } from './ensure-namespace.ts';
import { isFollowedKind } from './evaluate-workload.ts';
import { markManaged } from './inventory.ts';
import type { ContainerImagePatch, KubeClient } from './kube-client.ts';
import type { KubeObject } from './kube-types.ts';
import { applyManifests } from './manifest-apply.ts';
import { defaultNamespace, type ImageInjection, type Injected, injectImages } from './manifests.ts';
import { objectsToApply } from './objects-to-apply.ts';
import { patchableWhilePushing } from './patch-while-pushing.ts';
import { clearForRecreate, isRecreatedKind, replaceStalePods, withSpecHash } from './replace-workload.ts';
import { findWorkload, labelSelector, type WorkloadSettings } from './resource-workload.ts';
import { type RolloutProgress, rolloutProblem } from './rollout-problem.ts';
import { type FollowRolloutOptions, followRollout, type RolloutOutcome } from './rollout-watcher.ts';
import { type LiveChange, watchWorkload } from './workload-drift.ts';

/** A delivered image as the deployer needs it: the reference manifests get and its pull policy. */
export interface ImageToDeploy {
  readonly image: string;
  readonly deployRef: string;
  readonly imagePullPolicy: string;
}

/** Inputs of the Kubernetes deployer. */
export interface KubeDeployerOptions {
  readonly client: KubeClient;
  readonly config: WorkloadSettings;
  /** Every object of the configured manifests, as read. */
  readonly objects: readonly KubeObject[];
  /** Image references delivered by import: diagnosis flags a pull policy that would pull them. */
  readonly importedImages: ReadonlySet<string>;
  /** The manifest file of each of `objects`, for problems that name one. */
  readonly files?: ReadonlyMap<KubeObject, string>;
  /** Says what an apply did besides applying: objects removed because the manifests no longer have them. */
  readonly notice?: (message: string) => void;
  /** How long to wait for the manifests' CRDs to be served. */
  readonly crdWait?: Omit<CrdWaitOptions, 'signal'>;
}

/**
 * Puts resources into the cluster: server-side apply of a resource's
 * workload (plus every object that is no resource's workload, on the first
 * apply), strategic-merge image patches afterwards, and rollouts followed by
 * watches with a diagnosis when they cannot succeed.
 */
export class KubeDeployer {
  readonly #o: KubeDeployerOptions;
  /** The manifests' objects, namespaced objects without a namespace put in the configured one. */
  readonly #objects: KubeObject[];
  #sharedApplied = false;
  /** Settles when the apply running now is over. */
  #applying: Promise<void> = Promise.resolve();
  #namespaceReady = false;
  /** Workload name → container → the image reference devloop last put there. */
  #deployed = new Map<string, Map<string, string>>();
  /** Per resource: the pods its last rollout found ready, so the live watch can tell one deleted before it began. */
  #readyPods = new Map<string, readonly string[]>();
  /** Per CronJob resource: the Job the trigger key started, which `waitReady` follows. */
  #runs = new Map<string, string>();
  /** Per custom resource: the image references devloop last put in its fields. */
  #customImages = new Map<string, readonly string[]>();

  constructor(options: KubeDeployerOptions) {
    this.#o = options;
    this.#objects = defaultNamespace(options.objects, options.config.cluster.namespace);
  }

  #namespace(): string {
    return this.#o.config.cluster.namespace;
  }

  #workloadOf(resource: string): KubeObject | undefined {
    const r = this.#o.config.resources[resource];
    return r && findWorkload(r, this.#objects);
  }

  #injections(images: ReadonlyMap<string, ImageToDeploy>): ImageInjection[] {
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

  /**
   * Server-side applies the manifests of `resources` with the given images
   * injected. The first apply of a deployer is a full one: every object that
   * is no resource's workload goes with it, and what devloop applied earlier
   * and the manifests no longer have is removed (said through `notice`).
   * Applies run one at a time, so the full one is made once and the
   * inventory is never written by two at once.
   */
  async apply(
    resources: readonly string[],
    images: ReadonlyMap<string, ImageToDeploy>,
    signal?: AbortSignal,
    options: { rerun?: boolean } = {},
  ): Promise<Result<void, Problem>> {
    const previous = this.#applying;
    let done = () => {};
    this.#applying = new Promise<void>((resolve) => {
      done = resolve;
    });
    await previous;
    try {
      const { config } = this.#o;
      for (const name of resources) {
        if (!this.#workloadOf(name)) {
          return err(
            missingWorkloadProblem({
              resource: name,
              workload: config.resources[name]?.workload,
              manifests: config.manifests,
              rootDir: config.rootDir,
            }),
          );
        }
      }
      const full = !this.#sharedApplied;
      const selected = objectsToApply({ objects: this.#objects, resources: config.resources, requested: resources, shared: full });
      const injection = injectImages(selected, { images: this.#injections(images), mappings: this.#mappings() });
      const { injected } = injection;
      const namespace = await this.#ensureNamespace();
      if (!namespace.ok) return namespace;
      const objects = await this.#makeRoomForRecreated(injection.objects, options.rerun === true);
      if (!objects.ok) return objects;
      const applied = await applyManifests(this.#o.client, {
        rootDir: config.rootDir,
        namespace: this.#namespace(),
        objects: objects.value,
        manifests: this.#objects,
        prune: full,
        fileOf: (o) => {
          const i = this.#objects.findIndex((m) => m.kind === o.kind && m.metadata.name === o.metadata.name);
          const original = this.#o.objects[i];
          return original && this.#o.files?.get(original);
        },
        crdWait: { ...this.#o.crdWait, signal },
      });
      if (!applied.ok) return applied;
      for (const message of applied.value) this.#o.notice?.(message);
      this.#sharedApplied = true;
      this.#record(injected);
      return options.rerun ? await this.#runCronJobs(resources) : ok(undefined);
    } finally {
      done();
    }
  }

  /** For the trigger key: a Job from each CronJob among `resources`, followed by `waitReady` instead of the CronJob. */
  async #runCronJobs(resources: readonly string[]): Promise<Result<void, Problem>> {
    for (const resource of resources) {
      const workload = this.#workloadOf(resource);
      if (workload?.kind !== 'CronJob') continue;
      const namespace = workload.metadata.namespace ?? this.#namespace();
      const live = await this.#o.client.get({ apiVersion: workload.apiVersion, kind: 'CronJob', name: workload.metadata.name, namespace });
      if (!live.ok) return err(kubeProblem('deploy', live.error));
      if (!live.value) continue;
      const job = jobFromCronJob(live.value, runName(workload.metadata.name, Date.now()));
      const created = await this.#o.client.apply(markManaged(job, this.#o.config.rootDir));
      if (!created.ok) return err(kubeProblem('deploy', created.error));
      this.#runs.set(resource, job.metadata.name);
    }
    return ok(undefined);
  }

  /** Jobs and bare Pods whose spec changed are deleted first, so the apply creates them anew (their pod specs are immutable). */
  async #makeRoomForRecreated(objects: readonly KubeObject[], rerun: boolean): Promise<Result<KubeObject[], Problem>> {
    const out: KubeObject[] = [];
    for (const object of objects) {
      if (!isRecreatedKind(object.kind)) {
        out.push(object);
        continue;
      }
      const hashed = withSpecHash(object);
      const cleared = await clearForRecreate(this.#o.client, hashed, { always: rerun });
      if (!cleared.ok) return err(kubeProblem('deploy', cleared.error));
      out.push(hashed);
    }
    return ok(out);
  }

  /** The configured namespace exists once per deployer, unless a manifest declares it (then it is applied with them). */
  async #ensureNamespace(): Promise<Result<void, Problem>> {
    const name = this.#namespace();
    if (this.#namespaceReady || this.#o.objects.some((o) => o.kind === 'Namespace' && o.metadata.name === name)) return ok(undefined);
    const ensured = await ensureNamespace(this.#o.client, name);
    if (ensured.ok) this.#namespaceReady = true;
    return ensured;
  }

  /** True when the API server answers a cheap read (the namespace, present or not). */
  async apiAnswers(): Promise<boolean> {
    return (await this.#o.client.get({ apiVersion: 'v1', kind: 'Namespace', name: this.#namespace() })).ok;
  }

  /** Patches only the images of one resource's workload; applies it when it is not in the cluster (any more). */
  async patch(
    resource: string,
    images: ReadonlyMap<string, ImageToDeploy>,
    _signal?: AbortSignal,
    options: { rerun?: boolean } = {},
  ): Promise<Result<void, Problem>> {
    const workload = this.#workloadOf(resource);
    // A Job or Pod is made anew; a custom resource is applied whole (its controller reads the image fields).
    if (!workload || isRecreatedKind(workload.kind) || !isFollowedKind(workload.kind))
      return this.apply([resource], images, undefined, options);
    const { injected } = injectImages([workload], { images: this.#injections(images), mappings: this.#mappings() });
    const pullPolicy = new Map([...images.values()].map((d) => [d.deployRef, d.imagePullPolicy]));
    const containers: ContainerImagePatch[] = injected.map((i) => ({
      container: i.container,
      image: i.image,
      imagePullPolicy: pullPolicy.get(i.image),
      init: i.init,
    }));
    if (containers.length === 0) return options.rerun ? this.#runCronJobs([resource]) : ok(undefined);
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
    const replaced = await replaceStalePods(this.#o.client, workload, ref.namespace);
    if (!replaced.ok) return err(kubeProblem('deploy', replaced.error));
    return options.rerun ? this.#runCronJobs([resource]) : ok(undefined);
  }

  #record(injected: readonly Injected[]): void {
    for (const [name, r] of Object.entries(this.#o.config.resources)) {
      if (!r.workload.imagePaths?.length) continue;
      const refs = injected.filter((i) => i.kind === r.workload.kind && i.name === r.workload.name).map((i) => i.image);
      if (refs.length) this.#customImages.set(name, refs);
    }
    for (const i of injected) {
      if (i.kind !== 'Deployment') continue;
      const containers = this.#deployed.get(i.name) ?? new Map<string, string>();
      containers.set(i.container, i.image);
      this.#deployed.set(i.name, containers);
    }
  }

  /** After ready: reports what is done to the resource's Deployment outside devloop until stopped. */
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

  /** A custom resource: the pods it owns or that carry its labels, running the images devloop put in its fields. */
  async #waitCustom(
    resource: string,
    workload: KubeObject,
    options: { signal: AbortSignal; onProgress: (p: RolloutProgress) => void },
  ): Promise<Result<RolloutProgress, Problem>> {
    const namespace = workload.metadata.namespace ?? this.#namespace();
    const live = await this.#o.client.get({
      apiVersion: workload.apiVersion,
      kind: workload.kind,
      name: workload.metadata.name,
      namespace,
    });
    if (!live.ok) return err(kubeProblem('rollout', live.error));
    const images = [...(this.#customImages.get(resource) ?? [])];
    const outcome = await followRollout({
      client: this.#o.client,
      namespace,
      name: workload.metadata.name,
      custom: {
        owner: { kind: workload.kind, name: workload.metadata.name, uid: live.value?.metadata.uid, labels: workload.metadata.labels ?? {} },
        images,
      },
      importedImages: this.#o.importedImages,
      signal: options.signal,
      onStatus: (status) => {
        if (status.state === 'waiting') options.onProgress({ message: status.reason, podsReady: 0, podsWanted: 1 });
      },
    });
    return this.#settle(resource, outcome);
  }

  #settle(resource: string, outcome: RolloutOutcome): Result<RolloutProgress, Problem> {
    switch (outcome.state) {
      case 'ready':
        this.#readyPods.set(resource, outcome.pods);
        return ok({ message: 'ready', podsReady: outcome.pods.length, podsWanted: outcome.pods.length });
      case 'cancelled':
        return err({ stage: 'rollout', reason: 'rollout-cancelled', message: 'cancelled' });
      case 'failed':
        return err(rolloutProblem(outcome.failure));
    }
  }

  /** Whether the resource may be patched to images still being pushed (see `patchableWhilePushing`). */
  patchableWhilePushing(resource: string): boolean {
    return patchableWhilePushing(this.#workloadOf(resource));
  }

  /**
   * Follows the rollout with watches until ready, or a diagnosed failure.
   * `arriving`: references the workload was patched to whose push has not
   * ended, each with the promise of its landing.
   */
  async waitReady(
    resource: string,
    options: {
      signal: AbortSignal;
      onProgress: (p: RolloutProgress) => void;
      arriving?: ReadonlyMap<string, Promise<boolean>> | undefined;
    },
  ): Promise<Result<RolloutProgress, Problem>> {
    const workload = this.#workloadOf(resource);
    if (!workload) return err({ stage: 'rollout', reason: 'workload-not-in-manifests', message: `no workload for ${resource}` });
    let last: RolloutProgress = { message: 'waiting for the rollout to start', podsReady: 0, podsWanted: 1 };
    const imagePaths = this.#o.config.resources[resource]?.workload.imagePaths;
    if (!isFollowedKind(workload.kind) && imagePaths?.length) return this.#waitCustom(resource, workload, options);
    const run = this.#runs.get(resource);
    this.#runs.delete(resource);
    const followed = run ? { kind: 'Job' as const, name: run } : { kind: workload.kind, name: workload.metadata.name };
    if (!isFollowedKind(followed.kind)) {
      return err({ stage: 'rollout', reason: 'workload-not-in-manifests', message: `devloop cannot follow a ${workload.kind}` });
    }
    const outcome = await followRollout({
      kind: followed.kind,
      client: this.#o.client,
      namespace: workload.metadata.namespace ?? this.#namespace(),
      name: followed.name,
      importedImages: this.#o.importedImages,
      ...(options.arriving?.size ? { arriving: arrivingImages(options.arriving) } : {}),
      signal: options.signal,
      onStatus: (status) => {
        if (status.state === 'waiting') {
          last = { ...last, message: status.reason };
          options.onProgress(last);
        }
      },
    });
    return this.#settle(resource, outcome);
  }
}

/** The references still travelling, as the rollout follower takes them: landed ones are marked and re-evaluated. */
function arrivingImages(arriving: ReadonlyMap<string, Promise<boolean>>): NonNullable<FollowRolloutOptions['arriving']> {
  const images = new ArrivingImages(arriving.keys());
  return {
    images,
    onLanded: (changed) => {
      for (const [ref, landed] of arriving) {
        void landed.then((ok) => {
          if (!ok) return;
          images.landed(ref);
          changed();
        });
      }
    },
  };
}
