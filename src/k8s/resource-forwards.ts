import type { KubeClient } from './kube-client.ts';
import type { KubeObject } from './kube-types.ts';
import { PortForwarder } from './port-forwarder.ts';
import { type WorkloadSettings, workloadPods } from './resource-workload.ts';

/**
 * Opens each resource's port forwards once, over its pods by label selector
 * (so they follow rollouts), and says in one line each what happened: the
 * local URL when listening, why not, and any connection that could not be carried.
 */
export class ResourceForwards {
  readonly #client: KubeClient;
  readonly #config: Pick<WorkloadSettings, 'resources' | 'cluster'>;
  readonly #objects: readonly KubeObject[];
  readonly #notice: (message: string) => void;
  #opened = new Set<string>();
  #forwarders: PortForwarder[] = [];

  constructor(options: {
    client: KubeClient;
    config: Pick<WorkloadSettings, 'resources' | 'cluster'>;
    objects: readonly KubeObject[];
    /** Where a forward listens, or what went wrong with it, for the reporter. */
    notice: (message: string) => void;
  }) {
    this.#client = options.client;
    this.#config = options.config;
    this.#objects = options.objects;
    this.#notice = options.notice;
  }

  /** Opens the resource's forwards; idempotent. A workload that selects no pods gets none. */
  open(resource: string): void {
    if (this.#opened.has(resource)) return;
    const found = workloadPods(this.#config, this.#objects, resource);
    if (!found) return;
    this.#opened.add(resource);
    for (const forward of found.resource.portForwards) {
      const forwarder = new PortForwarder({
        client: this.#client,
        namespace: found.namespace,
        labelSelector: found.selector,
        local: forward.local,
        remote: forward.remote,
        onConnectionError: ({ pod, error }) =>
          this.#notice(`${resource}: forward ${forward.local}→${forward.remote}${pod ? ` (${pod})` : ''}: ${error.message}`),
      });
      this.#forwarders.push(forwarder);
      void forwarder.start().then((started) => {
        if (!started.ok) this.#notice(`${resource}: ${started.error.message}`);
        else this.#notice(`${resource}: forwarding http://127.0.0.1:${started.value.port} → ${forward.remote}`);
      });
    }
  }

  /** Closes every forward. */
  stopAll(): void {
    for (const f of this.#forwarders) f.stop();
    this.#forwarders = [];
    this.#opened.clear();
  }
}
