import type { DeliveryMode } from '../config/types.ts';
import type { Problem } from '../core/problem.ts';
import { err, ok, type Result } from '../core/result.ts';
import type { ProcessRunner } from '../system/process-runner.ts';
import { chooseDelivery, type ImageToDeliver } from './choose-delivery.ts';
import { type ClusterInfo, type ConfigMapReader, discoverCluster } from './cluster-discovery.ts';
import { deliverImages } from './deliver-images.ts';
import { type DeliveredImage, deliveredImage } from './delivered-image.ts';
import { deliveryProblem } from './delivery-problem.ts';
import type { K3dCli } from './k3d-cli.ts';
import type { ContextVerdict, KubeContextDescription } from './local-context.ts';
import type { NodeImageLister } from './node-image-lister.ts';
import type { RegistryClient } from './registry-client.ts';

/** What delivery reads of the configuration (a resolved config has this shape). */
export interface DeliverySettings {
  readonly cluster: {
    readonly delivery: DeliveryMode;
    readonly k3d: { readonly name: string; readonly registry: string | undefined };
  };
  readonly images: Readonly<Record<string, { readonly repository: string }>>;
}

/** A built image, as delivery needs it: devloop's name, the local reference and its content tag. */
export interface BuiltReference {
  readonly image: string;
  readonly ref: string;
  readonly tag: string;
}

/** Inputs of the cluster deliverer. */
export interface ClusterDelivererOptions {
  readonly config: DeliverySettings;
  readonly context: KubeContextDescription;
  /** The local-context rule's answer, settled before this deliverer was made. */
  readonly verdict: ContextVerdict;
  readonly runner: ProcessRunner;
  readonly registry: RegistryClient;
  readonly lister: NodeImageLister;
  readonly configMaps: ConfigMapReader;
  readonly k3d: K3dCli;
  /** Imported references are recorded here so rollout diagnosis knows they must never be pulled. */
  readonly importedImages: Set<string>;
}

/**
 * Delivers built images to the cluster. The context is checked before it is
 * made; cluster discovery happens once, in `preflight`, before anything is
 * built; each delivery then chooses registry push or cluster import.
 */
export class ClusterDeliverer {
  readonly #o: ClusterDelivererOptions;
  #cluster: ClusterInfo | undefined;

  constructor(options: ClusterDelivererOptions) {
    this.#o = options;
  }

  /** What discovery found, for the UI and doctor. */
  get cluster(): ClusterInfo | undefined {
    return this.#cluster;
  }

  /** Checks before any build: the context is local or allowed, the cluster is reachable and can receive images. */
  async preflight(): Promise<Result<void, Problem>> {
    const { config } = this.#o;
    this.#cluster = await discoverCluster({
      context: this.#o.context,
      k3dName: config.cluster.k3d.name,
      configuredRegistry: config.cluster.k3d.registry,
      configMaps: this.#o.configMaps,
      k3d: this.#o.k3d,
      k3dOnlyWithoutRegistry: config.cluster.delivery !== 'import',
    });
    const trial = this.#choose(this.#cluster, []);
    if (!trial.ok) return err(deliveryProblem(trial.error));
    return ok(undefined);
  }

  /** True when the registry deliveries push to answers `GET /v2/` (always, for delivery by import). */
  async registryAnswers(): Promise<boolean> {
    if (!this.#cluster && !(await this.preflight()).ok) return false;
    const route = this.#choose(this.#cluster as ClusterInfo, []);
    if (!route.ok || route.value.route.mode !== 'registry') return true;
    return (await this.#o.registry.ping(route.value.route.pushHost)).ok;
  }

  /**
   * The registry reference an image with this tag will be pushed as, when
   * deliveries go to a registry (known once `preflight` ran): the builder
   * tags it so at build time, and the push needs no `docker tag`.
   */
  pushReference(image: string, tag: string): string | undefined {
    if (!this.#cluster) return undefined;
    const plan = this.#choose(this.#cluster, [{ image, ref: `${image}:${tag}`, tag }]);
    return plan.ok ? plan.value.images[0]?.pushRef : undefined;
  }

  /**
   * Where the cluster will pull `image` from once its push to the registry
   * ends, known before the push starts; undefined when it goes by import
   * (the nodes have it only when the import ends) or before `preflight`.
   */
  announce(image: BuiltReference): { readonly deployRef: string; readonly imagePullPolicy: string } | undefined {
    if (!this.#cluster) return undefined;
    const plan = this.#choose(this.#cluster, [image]);
    const planned = plan.ok && plan.value.route.mode === 'registry' ? plan.value.images[0] : undefined;
    return planned?.mode === 'registry' ? { deployRef: planned.deployRef, imagePullPolicy: planned.imagePullPolicy } : undefined;
  }

  async deliver(
    images: readonly BuiltReference[],
    options: { signal: AbortSignal; onLine: (image: string, line: string) => void },
  ): Promise<Result<DeliveredImage[], Problem>> {
    if (!this.#cluster) {
      const pre = await this.preflight();
      if (!pre.ok) return pre;
    }
    const plan = this.#choose(this.#cluster as ClusterInfo, images);
    if (!plan.ok) return err(deliveryProblem(plan.error));
    const delivered = await deliverImages({
      plan: plan.value,
      runner: this.#o.runner,
      registry: this.#o.registry,
      lister: this.#o.lister,
      signal: options.signal,
      onEvent: (e) => {
        if (e.type === 'delivery-output') options.onLine(e.image, e.line);
      },
    });
    if (!delivered.ok) return err(deliveryProblem(delivered.error));
    const out: DeliveredImage[] = [];
    for (const item of delivered.value) {
      if (!item.result.ok) return err(deliveryProblem(item.result.error));
      const record = item.result.value;
      if (plan.value.route.mode === 'import') this.#o.importedImages.add(record.deployRef);
      out.push(deliveredImage(record, plan.value.route.mode));
    }
    return ok(out);
  }

  #choose(cluster: ClusterInfo, images: readonly BuiltReference[]) {
    const { config } = this.#o;
    return chooseDelivery({
      mode: config.cluster.delivery,
      verdict: this.#o.verdict,
      cluster,
      images: images.map(
        (b): ImageToDeliver => ({ name: b.image, localRef: b.ref, repository: config.images[b.image]?.repository ?? b.image, tag: b.tag }),
      ),
    });
  }
}
