import type { ResolvedConfig } from '../../config/resolved-config.ts';
import type { Problem } from '../../core/problem.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { chooseDelivery } from '../../deliver/choose-delivery.ts';
import { type ClusterInfo, type ConfigMapReader, discoverCluster } from '../../deliver/cluster-discovery.ts';
import { deliverImages } from '../../deliver/deliver-images.ts';
import { type DeliveryError, deliveryDiagnostic } from '../../deliver/delivery-error.ts';
import type { K3dCli } from '../../deliver/k3d-cli.ts';
import type { ContextVerdict, KubeContextDescription } from '../../deliver/local-context.ts';
import type { NodeImageLister } from '../../deliver/node-image-lister.ts';
import type { RegistryClient } from '../../deliver/registry-client.ts';
import type { BuiltImage, DeliveredImage, ImageDeliverer } from '../../engine/ports.ts';
import type { ProcessRunner } from '../../system/process-runner.ts';

/** Inputs of the cluster deliverer. */
export interface ClusterDelivererOptions {
  readonly config: ResolvedConfig;
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
 * The engine's `ImageDeliverer` over the deliver module. The session checks
 * the context before making it; cluster discovery happens once, in
 * `preflight`, before anything is built; each delivery then chooses registry
 * push or cluster import.
 */
export class ClusterDeliverer implements ImageDeliverer {
  readonly #o: ClusterDelivererOptions;
  #cluster: ClusterInfo | undefined;

  constructor(options: ClusterDelivererOptions) {
    this.#o = options;
  }

  /** What discovery found, for the UI and doctor. */
  get cluster(): ClusterInfo | undefined {
    return this.#cluster;
  }

  async preflight(): Promise<Result<void, Problem>> {
    this.#cluster = await discoverCluster({
      context: this.#o.context,
      k3dName: this.#o.config.cluster.k3d.name,
      configuredRegistry: this.#o.config.cluster.k3d.registry,
      configMaps: this.#o.configMaps,
      k3d: this.#o.k3d,
      k3dOnlyWithoutRegistry: this.#o.config.cluster.delivery !== 'import',
    });
    const trial = chooseDelivery({ mode: this.#o.config.cluster.delivery, verdict: this.#o.verdict, cluster: this.#cluster, images: [] });
    if (!trial.ok) return err(deliveryProblem(trial.error));
    return ok(undefined);
  }

  /** True when the registry deliveries push to answers `GET /v2/` (always, for delivery by import). */
  async registryAnswers(): Promise<boolean> {
    if (!this.#cluster && !(await this.preflight()).ok) return false;
    const cluster = this.#cluster as ClusterInfo;
    const route = chooseDelivery({ mode: this.#o.config.cluster.delivery, verdict: this.#o.verdict, cluster, images: [] });
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
    const plan = chooseDelivery({
      mode: this.#o.config.cluster.delivery,
      verdict: this.#o.verdict,
      cluster: this.#cluster,
      images: [{ name: image, localRef: `${image}:${tag}`, repository: this.#o.config.images[image]?.repository ?? image, tag }],
    });
    return plan.ok ? plan.value.images[0]?.pushRef : undefined;
  }

  async deliver(
    images: readonly BuiltImage[],
    options: { signal: AbortSignal; onLine: (image: string, line: string) => void },
  ): Promise<Result<DeliveredImage[], Problem>> {
    if (!this.#cluster) {
      const pre = await this.preflight();
      if (!pre.ok) return pre;
    }
    const cluster = this.#cluster as ClusterInfo;
    const plan = chooseDelivery({
      mode: this.#o.config.cluster.delivery,
      verdict: this.#o.verdict,
      cluster,
      images: images.map((b) => ({
        name: b.image,
        localRef: b.ref,
        repository: this.#o.config.images[b.image]?.repository ?? b.image,
        tag: b.tag,
      })),
    });
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
      out.push({
        image: record.image,
        deployRef: record.deployRef,
        imagePullPolicy: record.imagePullPolicy,
        stage: record.stage,
        route: plan.value.route.mode,
        ...(record.why ? { why: record.why } : {}),
      });
    }
    return ok(out);
  }
}

/** A delivery failure as the UI shows it. */
export function deliveryProblem(error: DeliveryError): Problem {
  const d = deliveryDiagnostic(error);
  return { stage: 'deliver', reason: error.reason, message: d.message, ...(d.hint ? { fix: d.hint } : {}) };
}
