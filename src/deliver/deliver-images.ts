import { err, ok, type Result } from '../core/result.ts';
import { unreachable } from '../core/unreachable.ts';
import type { ProcessRunner } from '../system/process-runner.ts';
import type { DeliveryPlan, ImageDeliveryPlan } from './choose-delivery.ts';
import { importImage } from './cluster-import.ts';
import type { DeliveryError } from './delivery-error.ts';
import type { NodeImageLister } from './node-image-lister.ts';
import { type RegistryClient, registryFailureToError } from './registry-client.ts';
import { pushImage } from './registry-push.ts';

/** The named stage a delivery turned out to be. */
export type DeliveryStage = 'registry-push' | 'cluster-import' | 'skipped';

/** One image's finished delivery: a named, timed stage with what moved. */
export interface DeliveryRecord {
  /** devloop's image name. */
  readonly image: string;
  /** The content tag it was built and delivered under. */
  readonly tag: string;
  readonly stage: DeliveryStage;
  /** `registry-push`, `cluster-import` or `skipped: <why>`. */
  readonly label: string;
  /** Why nothing was done (skipped only). */
  readonly why: string | undefined;
  /** Epoch milliseconds. */
  readonly startedAt: number;
  readonly endedAt: number;
  readonly deployRef: string;
  readonly imagePullPolicy: 'IfNotPresent';
  readonly layersPushed: number | undefined;
  readonly layersReused: number | undefined;
  /** Bytes that travelled: compressed pushed layers, or the whole image for an import. */
  readonly bytes: number | undefined;
  /** Registry manifest digest, when pushed or found. */
  readonly digest: string | undefined;
  /** Nodes that hold the image (import only). */
  readonly nodes: readonly string[] | undefined;
}

/** Progress the engine turns into `delivery-started` / `delivery-completed` actions. */
export type DeliveryEvent =
  | { readonly type: 'delivery-started'; readonly image: string; readonly mode: 'registry' | 'import'; readonly at: number }
  | { readonly type: 'delivery-output'; readonly image: string; readonly line: string }
  | { readonly type: 'delivery-completed'; readonly image: string; readonly result: Result<DeliveryRecord, DeliveryError> };

/** Per image: its record or why it failed. */
export interface ImageDeliveryResult {
  readonly image: string;
  readonly result: Result<DeliveryRecord, DeliveryError>;
}

export interface DeliverImagesOptions {
  readonly plan: DeliveryPlan;
  readonly runner: ProcessRunner;
  readonly registry: RegistryClient;
  readonly lister: NodeImageLister;
  /** k3d executable, default `k3d` on PATH. */
  readonly k3dCommand?: string;
  readonly signal?: AbortSignal;
  readonly now?: () => number;
  readonly onEvent?: (event: DeliveryEvent) => void;
}

/**
 * Delivers a batch of independent images in parallel along the chosen route.
 * For a registry it first checks the registry answers, so an unreachable or
 * unresolvable registry fails the batch before anything is tagged or pushed.
 * The outer Result is that preflight; each image then has its own Result.
 */
export async function deliverImages(options: DeliverImagesOptions): Promise<Result<ImageDeliveryResult[], DeliveryError>> {
  const { plan, runner } = options;
  const now = options.now ?? Date.now;
  const route = plan.route;

  if (route.mode === 'registry') {
    const ping = await options.registry.ping(route.pushHost);
    if (!ping.ok) return err(registryFailureToError(ping.error));
  }

  const deliverOne = async (item: ImageDeliveryPlan): Promise<ImageDeliveryResult> => {
    const image = item.image.name;
    const startedAt = now();
    options.onEvent?.({ type: 'delivery-started', image, mode: item.mode, at: startedAt });
    const onLine = (line: string): void => options.onEvent?.({ type: 'delivery-output', image, line });
    const base = {
      image,
      tag: item.image.tag,
      startedAt,
      deployRef: item.deployRef,
      imagePullPolicy: item.imagePullPolicy,
    };
    let result: Result<DeliveryRecord, DeliveryError>;
    switch (route.mode) {
      case 'registry': {
        const pushed = await pushImage({
          runner,
          registry: options.registry,
          plan: item,
          pushHost: route.pushHost,
          signal: options.signal,
          onLine,
        });
        const endedAt = now();
        if (!pushed.ok) result = pushed;
        else if (pushed.value.kind === 'skipped')
          result = ok(skipped({ ...base, endedAt, why: pushed.value.why, digest: pushed.value.digest, nodes: undefined }));
        else
          result = ok({
            ...base,
            endedAt,
            stage: 'registry-push',
            label: 'registry-push',
            why: undefined,
            layersPushed: pushed.value.layersPushed,
            layersReused: pushed.value.layersReused,
            bytes: pushed.value.bytesPushed,
            digest: pushed.value.digest,
            nodes: undefined,
          });
        break;
      }
      case 'import': {
        const imported = await importImage({
          runner,
          lister: options.lister,
          plan: item,
          cluster: route.cluster,
          nodes: route.nodes,
          k3dCommand: options.k3dCommand,
          signal: options.signal,
          onLine,
        });
        const endedAt = now();
        if (!imported.ok) result = imported;
        else if (imported.value.kind === 'skipped')
          result = ok(skipped({ ...base, endedAt, why: imported.value.why, digest: undefined, nodes: imported.value.nodes }));
        else
          result = ok({
            ...base,
            endedAt,
            stage: 'cluster-import',
            label: 'cluster-import',
            why: undefined,
            layersPushed: undefined,
            layersReused: undefined,
            bytes: imported.value.bytes,
            digest: undefined,
            nodes: imported.value.nodes,
          });
        break;
      }
      default:
        return unreachable(route);
    }
    options.onEvent?.({ type: 'delivery-completed', image, result });
    return { image, result };
  };

  return ok(await Promise.all(plan.images.map(deliverOne)));
}

function skipped(fields: {
  readonly image: string;
  readonly tag: string;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly deployRef: string;
  readonly imagePullPolicy: 'IfNotPresent';
  readonly why: string;
  readonly digest: string | undefined;
  readonly nodes: readonly string[] | undefined;
}): DeliveryRecord {
  return {
    ...fields,
    stage: 'skipped',
    label: `skipped: ${fields.why}`,
    layersPushed: 0,
    layersReused: undefined,
    bytes: 0,
  };
}
