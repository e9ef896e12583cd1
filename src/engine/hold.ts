import type { Problem } from '../core/problem.ts';
import { unreachable } from '../core/unreachable.ts';
import type { Component } from './ports.ts';

/** Why the loop holds work instead of finishing it: the component it waits for, as a typed reason. */
export type HoldReason = 'waiting-for-registry' | 'waiting-for-docker' | 'waiting-for-kube-api';

/** Work held until a component answers, as the engine state keeps it. */
export interface Hold {
  readonly reason: HoldReason;
  readonly component: Component;
  /** The failure that started the hold, e.g. `registry-unreachable`. */
  readonly cause: string;
  /** Resources the held iteration did not bring to ready: they run again when the component answers. */
  readonly resources: readonly string[];
  readonly since: number;
}

/**
 * The component a failure says is down, or undefined when the failure is the
 * project's own (a build error, a crash loop): only a component's absence is
 * worth waiting out, everything else waits for the next edit.
 */
export function componentDown(problem: Problem | undefined): Component | undefined {
  switch (problem?.reason) {
    case 'registry-unreachable':
      return 'registry';
    case 'docker-unavailable':
      return 'docker';
    case 'kube-unreachable':
      return 'kube-api';
    default:
      return undefined;
  }
}

export function holdReason(component: Component): HoldReason {
  switch (component) {
    case 'registry':
      return 'waiting-for-registry';
    case 'docker':
      return 'waiting-for-docker';
    case 'kube-api':
      return 'waiting-for-kube-api';
    default:
      return unreachable(component);
  }
}

/** How a component is named in the UI. */
export function componentLabel(component: Component): string {
  switch (component) {
    case 'registry':
      return 'the registry';
    case 'docker':
      return 'the Docker engine';
    case 'kube-api':
      return 'the API server';
    default:
      return unreachable(component);
  }
}
