import { unreachable } from '../core/unreachable.ts';
import type { CreateError } from './cluster-create.ts';
import { k3dInstallHelp } from './k3d-install-help.ts';

/** What to tell someone whose `devloop cluster` command failed: a message and what to do, or how to install k3d. */
export type ClusterErrorText = { readonly message: string; readonly hint?: string } | { readonly help: readonly string[] };

/** The words for a failed k3d command or a cluster that could not be shown to work. */
export function clusterErrorText(error: CreateError): ClusterErrorText {
  switch (error.reason) {
    case 'k3d-not-installed':
      return { help: k3dInstallHelp };
    case 'k3d-failed':
      return { message: `${error.command.join(' ')} failed: ${error.detail}` };
    case 'cluster-not-ready':
      return {
        message: `${error.context} not ready after ${Math.round(error.waitedMs / 1000)} s: ${error.detail}`,
        hint: 'look at `docker ps` and `docker logs` of the server node, then `devloop cluster status`',
      };
    case 'docker-not-installed':
      return {
        message: 'docker is not on PATH, so the registry cannot be proven',
        hint: 'install Docker; `devloop doctor` checks the rest',
      };
    case 'probe-image-unavailable':
      return {
        message: `the probe image ${error.image} is not local and cannot be pulled: ${error.detail}`,
        hint: 'pass --probe-image with a small local image that has `true` (e.g. busybox), or --no-verify',
      };
    case 'registry-push-failed':
      return {
        message: `pushing ${error.image} failed: ${error.detail}`,
        hint: 'is the registry running (k3d registry list)? `devloop doctor` checks the name and the port',
      };
    case 'registry-pull-failed':
      return {
        message: `the cluster could not pull ${error.image} (${error.waitingReason}): ${error.detail}`,
        hint: 'the nodes must reach the registry by that name: recreate the cluster with `devloop cluster delete && devloop cluster create`',
      };
    case 'probe-pod-failed':
      return {
        message: `probe pod ${error.pod} failed: ${error.detail}`,
        hint: 'the probe image must have a `true` command; pass --probe-image',
      };
    case 'probe-timeout':
      return {
        message: `probe pod ${error.pod} still ${error.phase} after ${Math.round(error.waitedMs / 1000)} s`,
        hint: 'kubectl describe pod shows why',
      };
    case 'kube-call-failed':
      return { message: `the cluster refused a call: ${error.detail}`, hint: 'run `devloop doctor`' };
    default:
      return unreachable(error);
  }
}
