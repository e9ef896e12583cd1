/**
 * A resource's pipeline, one iteration at a time:
 *
 * ```
 * idle ─► queued ─► building ─► delivering ─► deploying ─► rolling-out ─► ready
 *           │ ▲                                                              ▲
 *           │ └── syncing (live update) ─────────────────────────────────────┘
 *           │        └──► building … (the sync failed: rebuild)
 *           ▲  │        │            │             │             │     │
 *           │  └────────┴────────────┴─────────────┴─────────────┴─────┴──► failed
 *           └──────────── a new change (from any state) ◄────────────────┘
 * ```
 *
 * `queued` may skip ahead (nothing to build → delivering or deploying, nothing
 * changed at all → ready). An illegal transition is a bug and throws.
 */
export type Phase = 'idle' | 'queued' | 'syncing' | 'building' | 'delivering' | 'deploying' | 'rolling-out' | 'ready' | 'failed';

const order: readonly Phase[] = ['queued', 'syncing', 'building', 'delivering', 'deploying', 'rolling-out', 'ready'];

/** Whether `from → to` is allowed. */
export function canTransition(from: Phase, to: Phase): boolean {
  if (to === 'queued') return true;
  // A ready resource fails when its workload breaks outside devloop (an image set by hand).
  if (to === 'failed') return from !== 'idle' && from !== 'failed';
  if (from === 'idle' || from === 'failed' || from === 'ready') return false;
  return order.indexOf(to) > order.indexOf(from);
}

/** Returns `to`, or throws when the move is illegal. */
export function transition(resource: string, from: Phase, to: Phase): Phase {
  if (!canTransition(from, to)) throw new Error(`illegal phase transition for ${resource}: ${from} → ${to}`);
  return to;
}

/** True while an iteration is working on the resource. */
export function isBusy(phase: Phase): boolean {
  return phase !== 'idle' && phase !== 'ready' && phase !== 'failed';
}
