import type { Problem } from '../core/problem.ts';
import { type RolloutFailure, summarizeFailure } from './diagnosis.ts';

/** Progress of a rollout, for the resource list. */
export interface RolloutProgress {
  readonly message: string;
  readonly podsReady: number;
  readonly podsWanted: number;
}

/** A diagnosed rollout failure as the UI shows it: the summary, its fix, and the crashed run's last lines or the cluster's message. */
export function rolloutProblem(f: RolloutFailure): Problem {
  return {
    stage: 'rollout',
    reason: f.reason,
    message: summarizeFailure(f),
    fix: f.fix,
    details:
      f.reason === 'crash-loop' || f.reason === 'container-exited' ? f.lastLines : 'message' in f && f.message ? [f.message] : undefined,
  };
}
