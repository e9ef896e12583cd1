import type { KubeClient } from './kube-client.ts';
import { PortForwarder } from './port-forwarder.ts';

/**
 * Opens a resource's port forwards over its pods (by label selector, so they
 * follow rollouts) and says in one line each what happened: the local URL
 * when listening, why not, and any connection that could not be carried.
 */
export function openForwards(options: {
  client: KubeClient;
  resource: string;
  namespace: string;
  selector: string;
  forwards: readonly { readonly local: number; readonly remote: number }[];
  notice: (message: string) => void;
}): PortForwarder[] {
  const { resource, notice } = options;
  return options.forwards.map((forward) => {
    const forwarder = new PortForwarder({
      client: options.client,
      namespace: options.namespace,
      labelSelector: options.selector,
      local: forward.local,
      remote: forward.remote,
      onConnectionError: ({ pod, error }) =>
        notice(`${resource}: forward ${forward.local}→${forward.remote}${pod ? ` (${pod})` : ''}: ${error.message}`),
    });
    void forwarder.start().then((started) => {
      if (!started.ok) notice(`${resource}: ${started.error.message}`);
      else notice(`${resource}: forwarding http://127.0.0.1:${started.value.port} → ${forward.remote}`);
    });
    return forwarder;
  });
}
