import { createServer, type Server, type Socket } from 'node:net';
import { err, ok, type Result } from '../core/result.ts';
import type { KubeClient, KubeError, WatchHandle } from './kube-client.ts';
import { isPodReady, type Pod } from './kube-types.ts';

export interface PortForwarderOptions {
  readonly client: KubeClient;
  readonly namespace: string;
  /** Selects the resource's pods, e.g. `app=web`. */
  readonly labelSelector: string;
  readonly local: number;
  readonly remote: number;
  /** Local address to listen on. Default 127.0.0.1. */
  readonly address?: string;
  /** How long a new connection waits for a ready pod. Default 30 s. */
  readonly waitForPodMs?: number;
  readonly onConnectionError?: (info: { pod: string | undefined; error: KubeError | { reason: 'no-ready-pod'; message: string } }) => void;
}

export type PortForwardError = { readonly reason: 'port-in-use'; readonly port: number; readonly message: string };

/**
 * One local TCP server per configured forward. Each accepted connection is
 * carried to the newest ready pod of the resource at that moment, so the
 * local port stays the same across rollouts: the server is never closed,
 * only re-targeted as the pod watch sees pods come and go.
 */
export class PortForwarder {
  #options: PortForwarderOptions;
  #pods = new Map<string, Pod>();
  #server: Server | undefined;
  #watch: WatchHandle | undefined;
  #sockets = new Set<Socket>();
  #waiters: (() => void)[] = [];

  constructor(options: PortForwarderOptions) {
    this.#options = options;
  }

  /** Listens on the local port and starts following pods. */
  async start(): Promise<Result<{ port: number }, PortForwardError>> {
    const { client, namespace, labelSelector, local, address = '127.0.0.1' } = this.#options;
    this.#watch = client.watch({ kind: 'Pod', namespace, labelSelector }, (event) => {
      if (event.type === 'sync') this.#pods = new Map(event.objects.map((o) => [o.metadata.name, o as Pod]));
      else if (event.type === 'added' || event.type === 'modified') this.#pods.set(event.object.metadata.name, event.object as Pod);
      else if (event.type === 'deleted') this.#pods.delete(event.object.metadata.name);
      if (this.target()) for (const wake of this.#waiters.splice(0)) wake();
    });
    const server = createServer((socket) => void this.#carry(socket));
    this.#server = server;
    const listening = await new Promise<Result<{ port: number }, PortForwardError>>((resolve) => {
      server.once('error', (e: NodeJS.ErrnoException) =>
        resolve(err({ reason: 'port-in-use', port: local, message: `cannot listen on ${address}:${local}: ${e.code ?? e.message}` })),
      );
      server.listen(local, address, () => {
        const bound = server.address();
        resolve(ok({ port: typeof bound === 'object' && bound ? bound.port : local }));
      });
    });
    if (!listening.ok) this.stop();
    return listening;
  }

  /** The pod new connections go to: the newest ready pod not being deleted. */
  target(): string | undefined {
    const ready = [...this.#pods.values()].filter((p) => isPodReady(p) && !p.metadata.deletionTimestamp);
    ready.sort((a, b) => (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? ''));
    return ready[0]?.metadata.name;
  }

  /** Closes the server and every open connection. */
  stop(): void {
    this.#watch?.stop();
    this.#server?.close();
    for (const s of this.#sockets) s.destroy();
    for (const wake of this.#waiters.splice(0)) wake();
  }

  async #carry(socket: Socket): Promise<void> {
    this.#sockets.add(socket);
    socket.on('close', () => this.#sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.pause();
    let pod = this.target();
    if (!pod) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.#options.waitForPodMs ?? 30_000);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      pod = this.target();
    }
    if (!pod) {
      this.#options.onConnectionError?.({
        pod,
        error: { reason: 'no-ready-pod', message: `no ready pod matches ${this.#options.labelSelector}` },
      });
      socket.destroy();
      return;
    }
    const { client, namespace, remote } = this.#options;
    const result = await client.forwardConnection({ namespace, pod, port: remote, socket });
    if (!result.ok) this.#options.onConnectionError?.({ pod, error: result.error });
  }
}
