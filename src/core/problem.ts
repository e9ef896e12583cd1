/**
 * A failure as the UI and the reports show it: the module's own `reason`
 * (`build-failed`, `image-pull-not-found`, `crash-loop`, …), a one-line
 * message, what to do, and supporting lines (build output, last logs).
 */
export interface Problem {
  readonly stage: 'config' | 'plan' | 'sync' | 'build' | 'deliver' | 'deploy' | 'rollout';
  readonly reason: string;
  readonly message: string;
  readonly fix?: string;
  /** Build output tail, the crashed container's last log lines, … */
  readonly details?: readonly string[];
}
