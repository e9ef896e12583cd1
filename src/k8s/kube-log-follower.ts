import type { KubeClient } from './kube-client.ts';
import type { KubeObject } from './kube-types.ts';
import type { LogLine } from './log-line.ts';
import { LogStreamer } from './log-streamer.ts';
import type { PortForwarder } from './port-forwarder.ts';
import { openForwards } from './resource-forwards.ts';
import { type WorkloadSettings, workloadPods } from './resource-workload.ts';

/**
 * Follows each resource's pod logs (every container, from the first line,
 * across restarts) and opens its port forwards, once per resource: both
 * follow the pods by label selector, so they survive rollouts.
 */
export class KubeLogFollower {
  readonly #client: KubeClient;
  readonly #config: Pick<WorkloadSettings, 'resources' | 'cluster'>;
  readonly #objects: readonly KubeObject[];
  readonly #notice: (message: string) => void;
  #streamers = new Map<string, LogStreamer>();
  #forwarders: PortForwarder[] = [];

  constructor(options: {
    client: KubeClient;
    config: Pick<WorkloadSettings, 'resources' | 'cluster'>;
    objects: readonly KubeObject[];
    /** What went wrong with a forward, or where it listens, for the reporter. */
    notice: (message: string) => void;
  }) {
    this.#client = options.client;
    this.#config = options.config;
    this.#objects = options.objects;
    this.#notice = options.notice;
  }

  /** Starts following every container of the resource's pods, and its forwards; idempotent. */
  follow(resource: string, onLine: (line: LogLine) => void): void {
    if (this.#streamers.has(resource)) return;
    const found = workloadPods(this.#config, this.#objects, resource);
    if (!found) return;
    const { namespace, selector } = found;
    const streamer = new LogStreamer({ client: this.#client, namespace, resource, labelSelector: selector, onLine }).start();
    this.#streamers.set(resource, streamer);
    this.#forwarders.push(
      ...openForwards({ client: this.#client, resource, namespace, selector, forwards: found.resource.portForwards, notice: this.#notice }),
    );
  }

  stopAll(): void {
    for (const s of this.#streamers.values()) s.stop();
    for (const f of this.#forwarders) f.stop();
    this.#streamers.clear();
    this.#forwarders = [];
  }
}
