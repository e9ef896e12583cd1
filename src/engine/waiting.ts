import { unreachable } from '../core/unreachable.ts';
import { componentLabel, type HoldReason } from './hold.ts';
import type { Component } from './ports.ts';

/** Why a resource is not moving, as the engine state keeps it. */
export type Waiting =
  /** A resource it depends on is in this iteration and not ready yet. */
  | { readonly kind: 'dependency'; readonly on: string }
  /** A resource it depends on did not become ready: it is not deployed in this iteration. */
  | { readonly kind: 'dependency-not-ready'; readonly on: string }
  /** A manual resource with changes, until its trigger key. */
  | { readonly kind: 'trigger' }
  /** Its work is held until a component that was down answers. */
  | { readonly kind: 'component'; readonly reason: HoldReason; readonly component: Component };

/** The words of a wait, for the UI and the reports. */
export function waitingText(waiting: Waiting): string {
  switch (waiting.kind) {
    case 'dependency':
      return `waiting for ${waiting.on} to be ready`;
    case 'dependency-not-ready':
      return `held: ${waiting.on} is not ready`;
    case 'trigger':
      return 'changes pending: press t to deploy';
    case 'component':
      return `${waiting.reason}: retrying when ${componentLabel(waiting.component)} answers`;
    default:
      return unreachable(waiting);
  }
}

/** The words of a local command's wait: it runs where a resource deploys. */
export function localWaitingText(waiting: Waiting): string {
  return waiting.kind === 'trigger' ? 'changes pending: press t to run' : waitingText(waiting);
}
