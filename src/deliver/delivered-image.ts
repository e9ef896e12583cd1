import type { DeliveryRecord, DeliveryStage } from './deliver-images.ts';

/** An image in the cluster's reach: what manifests get, and how it got there. */
export interface DeliveredImage {
  readonly image: string;
  /** The content tag it was built and delivered under (the tag of `deployRef`). */
  readonly tag: string;
  /** What manifests get. */
  readonly deployRef: string;
  readonly imagePullPolicy: string;
  /** How it got there; `skipped` when the cluster already had it. */
  readonly stage: DeliveryStage;
  /** Why nothing moved (skipped only), e.g. `registry already has localhost:5000/web:devloop-3f9a`. */
  readonly why?: string;
}

/** The loop's part of a finished delivery's record. */
export function deliveredImage(record: DeliveryRecord): DeliveredImage {
  return {
    image: record.image,
    tag: record.tag,
    deployRef: record.deployRef,
    imagePullPolicy: record.imagePullPolicy,
    stage: record.stage,
    ...(record.why ? { why: record.why } : {}),
  };
}

/** The words the UI and the reports use for a delivery: its stage, or why nothing moved. */
export function describeDelivery(d: Pick<DeliveredImage, 'stage' | 'why'>): string {
  return d.stage === 'skipped' ? (d.why ?? 'already in the cluster') : d.stage;
}
