import { unreachable } from './unreachable.ts';

/** The stage of the loop a failure belongs to. */
export type ProblemStage = 'config' | 'plan' | 'sync' | 'build' | 'deliver' | 'deploy' | 'rollout' | 'local';

/**
 * Every reason devloop gives for a failure, by stage of the work that
 * produces it: the build, delivery, Kubernetes and live-update modules name
 * their failures with these, and the UI, the reports and the hold logic
 * switch on them instead of on text.
 */
export type FailureReason =
  | PlanFailure
  | BuildFailure
  | DeliveryFailure
  | KubeFailure
  | RolloutFailure
  | SyncFailureReason
  | LocalCommandFailure
  | 'cancelled';

type PlanFailure = 'plan-failed' | 'dependency-cycle' | 'config-invalid' | 'dockerfile-invalid' | 'build-secret-missing';

type BuildFailure = 'build-failed' | 'build-cancelled' | 'build-not-planned' | 'docker-unavailable' | 'docker-not-installed';

type DeliveryFailure =
  | 'context-not-local'
  | 'registry-unreachable'
  | 'registry-name-unresolvable'
  | 'registry-missing'
  | 'remote-registry-missing'
  | 'registry-push-failed'
  | 'push-failed'
  | 'import-failed'
  | 'import-partial'
  | 'image-missing'
  | 'node-unreadable'
  | 'cluster-not-found'
  | 'cluster-stopped'
  | 'cluster-not-ready'
  | 'invalid-image-name'
  | 'latest-tag'
  | 'k3d-not-installed'
  | 'docker-unavailable';

type KubeFailure =
  | 'kube-unreachable'
  | 'kube-forbidden'
  | 'kube-not-found'
  | 'kube-conflict'
  | 'kube-invalid'
  | 'kube-api-error'
  | 'kube-call-failed'
  | 'kube-aborted'
  | 'kube-container-not-started'
  | 'kube-context-not-found'
  | 'kubeconfig-not-found'
  | 'kubeconfig-invalid'
  | 'kind-not-present'
  | 'kind-not-served'
  | 'crd-missing'
  | 'crd-not-established';

type RolloutFailure =
  | 'workload-not-in-manifests'
  | 'rollout-cancelled'
  | 'rollout-deadline'
  | 'crash-loop'
  | 'container-exited'
  | 'workload-failed'
  | 'readiness-probe-failing'
  | 'unschedulable'
  | 'container-start-error'
  | 'create-container-config-error'
  | 'image-pull-not-found'
  | 'image-pull-unauthorized'
  | 'image-pull-registry-down'
  | 'image-pull-http-vs-https'
  | 'image-pull-name-unresolved'
  | 'image-pull-policy-forces-pull'
  | 'image-pull-failed'
  | 'image-changed-outside-devloop';

/** A local command exited with another code than 0, could not start, or (a `serve` one) exited at all. */
type LocalCommandFailure = 'local-command-failed' | 'local-command-not-found' | 'local-command-exited';

type SyncFailureReason = 'sync-no-target' | 'sync-no-tar' | 'sync-permission-denied' | 'sync-pod-gone' | 'sync-exec-failed' | 'run-failed';

/**
 * A failure as the UI and the reports show it: its typed `reason`
 * (`build-failed`, `image-pull-not-found`, `crash-loop`, …), a one-line
 * message, what to do, and supporting lines (build output, last logs).
 */
export interface Problem {
  readonly stage: ProblemStage;
  readonly reason: FailureReason;
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

/** What failed, in words, by stage: `build failed`, `live update failed`, … */
export function stageFailed(stage: ProblemStage): string {
  switch (stage) {
    case 'config':
      return 'configuration failed';
    case 'plan':
      return 'plan failed';
    case 'sync':
      return 'live update failed';
    case 'build':
      return 'build failed';
    case 'deliver':
      return 'delivery failed';
    case 'deploy':
      return 'deploy failed';
    case 'rollout':
      return 'rollout failed';
    case 'local':
      return 'local command failed';
    default:
      return unreachable(stage);
  }
}
