import type { DeliveryMode } from '../config/types.ts';
import { parseImageRef, refInRegistry } from '../core/image-ref.ts';
import { err, ok, type Result } from '../core/result.ts';
import type { ClusterInfo } from './cluster-discovery.ts';
import type { DeliveryError } from './delivery-error.ts';
import { imageNodes } from './k3d-cli.ts';
import type { ContextVerdict } from './local-context.ts';

/** A built image waiting to be delivered. */
export interface ImageToDeliver {
  /** devloop's name for the image (the config key). */
  readonly name: string;
  /** The reference the local Docker engine knows it by, e.g. `api:3f9a1c2e`. */
  readonly localRef: string;
  /** Repository to use in the registry, e.g. `api` or `team/api`. */
  readonly repository: string;
  /** The content tag; never `latest`. */
  readonly tag: string;
}

/** How one image reaches the cluster, and what manifests must say to use it. */
export interface ImageDeliveryPlan {
  readonly image: ImageToDeliver;
  readonly mode: 'registry' | 'import';
  /** Host-side reference pushed (registry mode only). */
  readonly pushRef: string | undefined;
  /** The image reference written into the workload. */
  readonly deployRef: string;
  /** Content tags never change meaning, so nothing needs pulling twice; imported images must never be pulled. */
  readonly imagePullPolicy: 'IfNotPresent';
}

/** The delivery route for a batch of images. */
export type DeliveryRoute =
  | {
      readonly mode: 'registry';
      readonly pushHost: string;
      readonly pullHost: string;
      /** A registry for a non-local (allowed) context. */
      readonly remote: boolean;
    }
  | { readonly mode: 'import'; readonly cluster: string; readonly nodes: readonly string[] };

export interface DeliveryPlan {
  readonly route: DeliveryRoute;
  /** Why this route: shown by doctor and the UI. */
  readonly why: string;
  readonly images: readonly ImageDeliveryPlan[];
}

/**
 * Picks registry push or cluster import for the images, from the configured
 * mode and what discovery found, and says what manifests must reference.
 * Pure: every failure it can foresee (no k3d, stopped cluster, no registry,
 * a `latest` tag) is returned before anything is pushed or imported.
 *
 * - `auto`: the cluster's registry when it has one, else `k3d image import`.
 * - `registry` / `import`: as asked, or an error saying what is missing.
 * - a non-local context (allowed by `cluster.allowContexts`): only a
 *   registry named in `cluster.k3d.registry`.
 */
export function chooseDelivery(options: {
  readonly mode: DeliveryMode;
  readonly verdict: ContextVerdict;
  readonly cluster: ClusterInfo;
  readonly images: readonly ImageToDeliver[];
}): Result<DeliveryPlan, DeliveryError> {
  const { mode, verdict, cluster, images } = options;

  for (const image of images) if (!image.tag || image.tag === 'latest') return err({ reason: 'latest-tag', image: image.localRef });

  if (verdict.kind === 'allowed') {
    const registry = cluster.registry;
    if (mode === 'import' || !registry || registry.source !== 'config')
      return err({ reason: 'remote-registry-missing', context: cluster.context.name });
    return ok(
      plan(
        { mode: 'registry', pushHost: registry.pushHost, pullHost: registry.pullHost, remote: true },
        `context ${cluster.context.name} is allowed but not local: pushing to the configured registry ${registry.pushHost}`,
        images,
      ),
    );
  }

  if (cluster.cluster && cluster.cluster.serversCount > 0 && cluster.cluster.serversRunning === 0)
    return err({
      reason: 'cluster-stopped',
      cluster: cluster.cluster.name,
      serversRunning: cluster.cluster.serversRunning,
      serversCount: cluster.cluster.serversCount,
    });

  const useRegistry = mode === 'registry' || (mode === 'auto' && cluster.registry !== undefined);
  if (useRegistry) {
    const registry = cluster.registry;
    if (!registry) return err({ reason: 'registry-missing', cluster: cluster.clusterName });
    const why =
      mode === 'registry'
        ? `cluster.delivery is 'registry': pushing to ${registry.pushHost} (source: ${registry.source})`
        : `the cluster has a registry (${registry.pushHost}, from ${registry.source}): pushing only changed layers`;
    return ok(plan({ mode: 'registry', pushHost: registry.pushHost, pullHost: registry.pullHost, remote: false }, why, images));
  }

  if (!cluster.k3d.installed) return err({ reason: 'k3d-not-installed' });
  const name = cluster.clusterName;
  if (!name || !cluster.cluster)
    return err({ reason: 'cluster-not-found', cluster: name ?? cluster.context.name, known: cluster.knownClusters });
  for (const image of images) {
    const localTag = parseImageRef(image.localRef).tag;
    if (!localTag || localTag === 'latest') return err({ reason: 'latest-tag', image: image.localRef });
  }
  const why =
    mode === 'import'
      ? `cluster.delivery is 'import': k3d image import into ${name}`
      : `cluster ${name} has no registry: k3d image import (copies whole images; a registry would move only changed layers)`;
  return ok(plan({ mode: 'import', cluster: name, nodes: imageNodes(cluster.cluster).map((n) => n.name) }, why, images));
}

function plan(route: DeliveryRoute, why: string, images: readonly ImageToDeliver[]): DeliveryPlan {
  return {
    route,
    why,
    images: images.map((image): ImageDeliveryPlan => {
      if (route.mode === 'import')
        return { image, mode: 'import', pushRef: undefined, deployRef: image.localRef, imagePullPolicy: 'IfNotPresent' };
      return {
        image,
        mode: 'registry',
        pushRef: refInRegistry(route.pushHost, image.repository, image.tag),
        deployRef: refInRegistry(route.pullHost, image.repository, image.tag),
        imagePullPolicy: 'IfNotPresent',
      };
    }),
  };
}
