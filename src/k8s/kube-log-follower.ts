import type { KubeClient } from './kube-client.ts';
import type { KubeObject } from './kube-types.ts';
import type { LogLine } from './log-line.ts';
import { LogStreamer } from './log-streamer.ts';
import { type WorkloadSettings, workloadPods } from './resource-workload.ts';

/**
 * Follows each resource's pod logs (every container, from the first line,
 * across restarts), once per resource: it follows the pods by label
 * selector, so it survives rollouts.
 */
export class KubeLogFollower {
  readonly #client: KubeClient;
  readonly #config: Pick<WorkloadSettings, 'resources' | 'cluster'>;
  readonly #objects: readonly KubeObject[];
  #streamers = new Map<string, LogStreamer>();

  constructor(options: { client: KubeClient; config: Pick<WorkloadSettings, 'resources' | 'cluster'>; objects: readonly KubeObject[] }) {
    this.#client = options.client;
    this.#config = options.config;
    this.#objects = options.objects;
  }

  /** Starts following every container of the resource's pods; idempotent. */
  follow(resource: string, onLine: (line: LogLine) => void): void {
    if (this.#streamers.has(resource)) return;
    const found = workloadPods(this.#config, this.#objects, resource);
    if (!found) return;
    const streamer = new LogStreamer({ client: this.#client, namespace: found.namespace, resource, labelSelector: found.selector, onLine });
    this.#streamers.set(resource, streamer.start());
  }

  stopAll(): void {
    for (const s of this.#streamers.values()) s.stop();
    this.#streamers.clear();
  }
}
