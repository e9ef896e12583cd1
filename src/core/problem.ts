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

/**
 * The message without the reason in front: many messages start with the
 * reason already (`crash-loop: container web …`), and the UI and the reports
 * put the reason before the message themselves.
 */
export function messageAfterReason(problem: Pick<Problem, 'reason' | 'message'>): string {
  const { reason, message } = problem;
  if (!reason) return message;
  let rest = message.trimStart();
  while (rest.toLowerCase().startsWith(reason.toLowerCase()) && /^(:|$)/.test(rest.slice(reason.length))) {
    rest = rest.slice(reason.length + 1).trimStart();
  }
  return rest;
}

/** `reason: message`, the reason said once; just the reason when the message adds nothing. */
export function problemHeadline(problem: Pick<Problem, 'reason' | 'message'>): string {
  const message = messageAfterReason(problem);
  return message ? `${problem.reason}: ${message}` : problem.reason;
}
