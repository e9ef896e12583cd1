import type { DeliveryRecord, DeliveryStage } from './deliver-images.ts';

/** An image in the cluster's reach: what manifests get, and how it got there. */
export interface DeliveredImage {
  readonly image: string;
  /** The content tag it was built and delivered under (the tag of `deployRef`). */
  readonly tag: string;
  /** What manifests get. */
  readonly deployRef: string;
  readonly imagePullPolicy: string;
  /** How it got there; `skipped` when the registry or the nodes already had it. */
  readonly stage: DeliveryStage;
  /** Where images go for this cluster: its registry, or imported into its nodes. */
  readonly route?: 'registry' | 'import';
  /** Why nothing moved (skipped only), e.g. `registry already has localhost:5000/web:devloop-3f9a`. */
  readonly why?: string;
  /** How long the delivery took, from its own record. */
  readonly durationMs?: number;
  /** Bytes that travelled: compressed layers pushed, or the image imported. */
  readonly bytes?: number;
}

/** The loop's part of a finished delivery's record, delivered along `route`. */
export function deliveredImage(record: DeliveryRecord, route: 'registry' | 'import'): DeliveredImage {
  return {
    image: record.image,
    tag: record.tag,
    deployRef: record.deployRef,
    imagePullPolicy: record.imagePullPolicy,
    stage: record.stage,
    route,
    ...(record.why ? { why: record.why } : {}),
    durationMs: record.endedAt - record.startedAt,
    ...(record.bytes === undefined ? {} : { bytes: record.bytes }),
  };
}

/**
 * The words the UI and the reports use for a delivery: its stage, or where
 * the image already was when nothing moved (`already in the registry`,
 * `already in the cluster`).
 */
export function describeDelivery(d: Pick<DeliveredImage, 'stage' | 'route'>): string {
  if (d.stage !== 'skipped') return d.stage;
  return d.route === 'registry' ? 'already in the registry' : 'already in the cluster';
}

/** A finished delivery in a sentence, from `describeDelivery`'s words: `delivered by registry-push`, `already in the registry`. */
export function deliveredSentence(words: string): string {
  return words === 'registry-push' || words === 'cluster-import' ? `delivered by ${words}` : words;
}
