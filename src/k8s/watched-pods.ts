import type { KubeClient, WatchHandle } from './kube-client.ts';
import type { Pod } from './kube-types.ts';

interface Watched {
  handle: WatchHandle;
  pods: Map<string, Pod>;
  synced: boolean;
}

/**
 * Pods by namespace and label selector, kept by a watch from the first
 * question on, so a repeated question (a sync per edit) needs no list call.
 */
export class WatchedPods {
  readonly #client: KubeClient;
  #watches = new Map<string, Watched>();

  constructor(client: KubeClient) {
    this.#client = client;
  }

  /** The pods the watch knows, once it has listed them (undefined before, or while it reconnects); starts the watch on first use. */
  pods(namespace: string, selector: string): Pod[] | undefined {
    const key = `${namespace}/${selector}`;
    let entry = this.#watches.get(key);
    if (!entry) {
      const pods = new Map<string, Pod>();
      const created: Watched = { handle: { stop: () => undefined }, pods, synced: false };
      created.handle = this.#client.watch({ kind: 'Pod', namespace, labelSelector: selector }, (event) => {
        if (event.type === 'sync') {
          pods.clear();
          for (const o of event.objects) pods.set(o.metadata.name, o as Pod);
          created.synced = true;
        } else if (event.type === 'added' || event.type === 'modified') pods.set(event.object.metadata.name, event.object as Pod);
        else if (event.type === 'deleted') pods.delete(event.object.metadata.name);
        else created.synced = false;
      });
      this.#watches.set(key, created);
      entry = created;
    }
    return entry.synced ? [...entry.pods.values()] : undefined;
  }

  /** Stops every watch. */
  stopAll(): void {
    for (const w of this.#watches.values()) w.handle.stop();
    this.#watches.clear();
  }
}
