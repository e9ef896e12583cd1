import type { LoopResource } from './loop-model.ts';
import type { BuiltImage, DeliveredImage, Deployer, ImageDeliverer } from './ports.ts';
import type { EngineState } from './state.ts';

/**
 * A push above this long last time is not overlapped with the rollout: the
 * kubelet starts pulling some 0.5–1 s after a patch (new ReplicaSet, pod,
 * volumes, sandbox), so a push this short has usually landed by then.
 */
export const overlapPushesUpToMs = 500;

/** An image whose push is under way, with where the cluster will pull it from. */
export interface ArrivingImage {
  readonly delivered: DeliveredImage;
  /** True once it is in the registry; false when its delivery failed or was cancelled. */
  readonly landed: Promise<boolean>;
}

/**
 * The resources of an iteration that may be patched while their images are
 * still being pushed, so the cluster makes the new pods during the push:
 * already deployed in this session with images to go back to, a workload the
 * deployer allows (old pods kept until new ones are ready), and every image
 * pushed to a registry last time in at most `overlapPushesUpToMs`.
 */
export function deployableWhilePushing(options: {
  readonly resources: readonly LoopResource[];
  readonly state: EngineState;
  readonly deployer: Pick<Deployer, 'patchableWhilePushing'>;
  readonly deliverer: Pick<ImageDeliverer, 'announce'>;
  readonly previous: ReadonlyMap<string, ReadonlyMap<string, DeliveredImage>>;
}): Set<string> {
  const { state, deployer, deliverer, previous } = options;
  if (!deliverer.announce || !deployer.patchableWhilePushing) return new Set();
  const quick = (image: string) => {
    const last = state.images[image]?.delivered;
    return last?.stage === 'registry-push' && last.durationMs !== undefined && last.durationMs <= overlapPushesUpToMs;
  };
  return new Set(
    options.resources
      .filter(
        (r) =>
          state.resources[r.name]?.applied === true &&
          r.images.length > 0 &&
          r.images.every((i) => quick(i) && previous.get(r.name)?.has(i)) &&
          deployer.patchableWhilePushing?.(r.name) === true,
      )
      .map((r) => r.name),
  );
}

/**
 * Announces `image` when the deliverer knows where it will be pulled from:
 * returns its arriving record and the function that settles its landing
 * (call it with whether the delivery succeeded), or undefined.
 */
export function announceImage(
  deliverer: Pick<ImageDeliverer, 'announce'>,
  image: BuiltImage,
): { readonly arriving: ArrivingImage; readonly settle: (landed: boolean) => void } | undefined {
  const where = deliverer.announce?.(image);
  if (!where) return undefined;
  let settle: (landed: boolean) => void = () => {};
  const landed = new Promise<boolean>((resolve) => {
    settle = resolve;
  });
  const delivered: DeliveredImage = {
    image: image.image,
    tag: image.tag,
    deployRef: where.deployRef,
    imagePullPolicy: where.imagePullPolicy,
    stage: 'registry-push',
    route: 'registry',
  };
  return { arriving: { delivered, landed }, settle };
}
