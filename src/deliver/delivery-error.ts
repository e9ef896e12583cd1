import type { Diagnostic } from '../core/diagnostic.ts';
import { redactText } from '../core/redact.ts';
import { unreachable } from '../core/unreachable.ts';
import { describeRemoteEndpoint, type RemoteEndpoint } from './remote-endpoint.ts';

/**
 * Every expected way getting images into a cluster can fail. Each member
 * carries what a person needs to act; `deliveryDiagnostic` turns it into a
 * message plus a fix. The UI and the JSON report switch on `reason`.
 */
export type DeliveryError =
  | {
      /** The context's requests may leave this machine and it is not in `cluster.allowContexts`. */
      readonly reason: 'context-not-local';
      readonly context: string;
      readonly remote: RemoteEndpoint;
    }
  | {
      /** Nothing answers at the registry's host-side address. */
      readonly reason: 'registry-unreachable';
      readonly host: string;
      readonly detail: string;
    }
  | {
      /** The registry's host name does not resolve on this machine (`*.localhost` on macOS/WSL). */
      readonly reason: 'registry-name-unresolvable';
      readonly host: string;
      /** A host-side address that should work instead, e.g. `localhost:5000`. */
      readonly suggestion: string | undefined;
    }
  | {
      /** `delivery: 'registry'` was asked for but the cluster has no registry. */
      readonly reason: 'registry-missing';
      readonly cluster: string | undefined;
    }
  | {
      /** A non-local (allowed) context needs a registry to push to; none is configured. */
      readonly reason: 'remote-registry-missing';
      readonly context: string;
    }
  | { readonly reason: 'k3d-not-installed' }
  | {
      readonly reason: 'cluster-not-found';
      readonly cluster: string;
      readonly known: readonly string[];
    }
  | {
      readonly reason: 'cluster-stopped';
      readonly cluster: string;
      readonly serversRunning: number;
      readonly serversCount: number;
    }
  | {
      /** The local image to deliver does not exist in the Docker engine. */
      readonly reason: 'image-missing';
      readonly image: string;
      readonly detail: string;
    }
  | {
      readonly reason: 'push-failed';
      readonly image: string;
      readonly pushRef: string;
      readonly detail: string;
    }
  | {
      /** `k3d image import` itself failed. */
      readonly reason: 'import-failed';
      readonly image: string;
      readonly cluster: string;
      readonly detail: string;
    }
  | {
      /** The import ran, but some nodes do not have the image afterwards. */
      readonly reason: 'import-partial';
      readonly image: string;
      readonly cluster: string;
      readonly missingOn: readonly string[];
      readonly presentOn: readonly string[];
    }
  | {
      /** A node's image list could not be read, so the import cannot be verified. */
      readonly reason: 'node-unreadable';
      readonly node: string;
      readonly detail: string;
    }
  | {
      /** Imported images must not be pulled; a `latest` (or missing) tag makes Kubernetes pull. */
      readonly reason: 'latest-tag';
      readonly image: string;
    }
  | { readonly reason: 'cancelled'; readonly image: string };

/** The reason strings, for exhaustive tests and JSON consumers. */
export type DeliveryErrorReason = DeliveryError['reason'];

/**
 * A message and a fix for each failure, in the shape reporters print;
 * credentials in a server URL or a tool's output are masked.
 */
export function deliveryDiagnostic(error: DeliveryError): Diagnostic {
  const d = (message: string, hint: string): Diagnostic => ({
    severity: 'error',
    code: error.reason,
    message: redactText(message),
    hint: redactText(hint),
  });
  switch (error.reason) {
    case 'context-not-local':
      return d(
        `refusing to use kube context "${error.context}": ${describeRemoteEndpoint(error.remote)}, so it is not a local cluster`,
        `a context is local when its API server (and proxy-url) is a loopback address, a unix socket or a *.localhost name resolving to loopback; if this cluster is meant for development, allow it in devloop.config.ts: cluster: { allowContexts: ['${error.context}'] }`,
      );
    case 'registry-unreachable':
      return d(
        `registry ${error.host} is unreachable: ${error.detail}`,
        `start the registry (k3d registry list; docker start <registry container>), set cluster.k3d.registry to the right host:port, or use cluster.delivery: 'import'`,
      );
    case 'registry-name-unresolvable':
      return d(
        `registry host ${error.host} does not resolve on this machine (common for *.localhost on macOS and WSL, see k3d-io/k3d#1518)`,
        error.suggestion
          ? `push through the loopback name instead: cluster: { k3d: { registry: '${error.suggestion}' } } in devloop.config.ts, or add "127.0.0.1 ${hostName(error.host)}" to /etc/hosts`
          : `add "127.0.0.1 ${hostName(error.host)}" to /etc/hosts, or set cluster.k3d.registry to an address that resolves`,
      );
    case 'registry-missing':
      return d(
        `cluster${error.cluster ? ` ${error.cluster}` : ''} has no registry, but cluster.delivery is 'registry'`,
        `create the cluster with one (k3d cluster create --registry-create devloop-registry:0.0.0.0:5000), set cluster.k3d.registry, or use cluster.delivery: 'auto'`,
      );
    case 'remote-registry-missing':
      return d(
        `kube context "${error.context}" is not a local cluster, so images must go through a registry, and none is configured`,
        `set cluster: { k3d: { registry: '<registry host>/<namespace>' } } in devloop.config.ts to a registry the cluster can pull from`,
      );
    case 'k3d-not-installed':
      return d(
        'k3d is not installed (not found on PATH), so images cannot be imported into the cluster',
        'install k3d (https://k3d.io/#installation), or give the cluster a registry and use cluster.delivery: "registry"',
      );
    case 'cluster-not-found':
      return d(
        `k3d has no cluster named "${error.cluster}"${error.known.length > 0 ? ` (known: ${error.known.join(', ')})` : ''}`,
        `create it (k3d cluster create ${error.cluster}) or set cluster.k3d.name / cluster.context to an existing one`,
      );
    case 'cluster-stopped':
      return d(
        `k3d cluster "${error.cluster}" is stopped (${error.serversRunning}/${error.serversCount} servers running)`,
        `start it: k3d cluster start ${error.cluster}`,
      );
    case 'image-missing':
      return d(
        `image ${error.image} is not in the local Docker engine: ${error.detail}`,
        'build it first (devloop builds images before delivering them); check that docker points at the engine that built it',
      );
    case 'push-failed':
      return d(
        `pushing ${error.pushRef} failed: ${error.detail}`,
        'check that the registry is running and accepts plain-HTTP pushes from this Docker engine (localhost and 127.0.0.0/8 are allowed by default)',
      );
    case 'import-failed':
      return d(
        `k3d image import of ${error.image} into cluster ${error.cluster} failed: ${error.detail}`,
        `check the cluster's nodes (k3d node list) and retry; a registry avoids copying whole images (k3d cluster create --registry-create)`,
      );
    case 'import-partial':
      return d(
        `image ${error.image} reached only some nodes of cluster ${error.cluster}: missing on ${error.missingOn.join(', ')}`,
        `retry the delivery; if it keeps failing, check those nodes: docker logs ${error.missingOn[0] ?? '<node>'}`,
      );
    case 'node-unreadable':
      return d(
        `cannot list the images on node ${error.node}: ${error.detail}`,
        `check that the node is running: docker ps --filter name=${error.node}`,
      );
    case 'latest-tag':
      return d(
        `image ${error.image} has no tag or the tag "latest", which makes Kubernetes pull it (imagePullPolicy Always) instead of using the delivered copy`,
        'deliver a content tag (devloop tags builds by their inputs); do not deliver `latest`',
      );
    case 'cancelled':
      return d(`delivery of ${error.image} was cancelled`, 'run again when ready');
    default:
      return unreachable(error);
  }
}

function hostName(hostPort: string): string {
  const match = /^(.*?)(?::\d+)?$/.exec(hostPort);
  return match?.[1] ?? hostPort;
}
