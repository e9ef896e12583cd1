import type { ResolvedConfig } from '../../config/resolved-config.ts';
import type { LogFollower, LogLine } from '../../engine/ports.ts';
import type { KubeClient } from '../../k8s/kube-client.ts';
import type { KubeObject } from '../../k8s/kube-types.ts';
import { LogStreamer } from '../../k8s/log-streamer.ts';
import { PortForwarder } from '../../k8s/port-forwarder.ts';

/** What went wrong with a forward, for the reporter. */
export type ForwardNotice = (message: string) => void;

/**
 * Follows each resource's pod logs (every container, from the first line,
 * across restarts) and opens its port forwards, once per resource: both
 * follow the pods by label selector, so they survive rollouts.
 */
export class KubeLogFollower implements LogFollower {
  readonly #client: KubeClient;
  readonly #config: ResolvedConfig;
  readonly #objects: readonly KubeObject[];
  readonly #notice: ForwardNotice;
  #streamers = new Map<string, LogStreamer>();
  #forwarders: PortForwarder[] = [];

  constructor(options: { client: KubeClient; config: ResolvedConfig; objects: readonly KubeObject[]; notice: ForwardNotice }) {
    this.#client = options.client;
    this.#config = options.config;
    this.#objects = options.objects;
    this.#notice = options.notice;
  }

  follow(resource: string, onLine: (line: LogLine) => void): void {
    if (this.#streamers.has(resource)) return;
    const r = this.#config.resources[resource];
    const workload = r && this.#objects.find((o) => o.kind === r.workload.kind && o.metadata.name === r.workload.name);
    const selector = workload && labelSelector(workload);
    if (!r || !workload || !selector) return;
    const namespace = workload.metadata.namespace ?? this.#config.cluster.namespace;
    const streamer = new LogStreamer({
      client: this.#client,
      namespace,
      resource,
      labelSelector: selector,
      onLine: (line) => onLine({ resource, pod: line.pod, container: line.container, timestamp: line.timestamp, text: line.text }),
    }).start();
    this.#streamers.set(resource, streamer);
    for (const forward of r.portForwards) {
      const forwarder = new PortForwarder({
        client: this.#client,
        namespace,
        labelSelector: selector,
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

  stopAll(): void {
    for (const s of this.#streamers.values()) s.stop();
    for (const f of this.#forwarders) f.stop();
    this.#streamers.clear();
    this.#forwarders = [];
  }
}

/** `a=b,c=d` from a workload's `spec.selector.matchLabels`. */
export function labelSelector(workload: KubeObject): string | undefined {
  const labels = (workload.spec as { selector?: { matchLabels?: Record<string, string> } } | undefined)?.selector?.matchLabels;
  if (!labels || Object.keys(labels).length === 0) return undefined;
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}
