import { createServer, type Server, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { err, ok, type Result } from '../core/result.ts';
import { type ForwardTarget, forwardTargets } from './forward-targets.ts';
import type { KubeClient, KubeError, WatchHandle } from './kube-client.ts';
import type { Pod } from './kube-types.ts';

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
 * carried first to the resource's newest pod that may be listening — on a
 * node, ready or not, even before the API reports its containers running, as
 * `kubectl port-forward` to that pod would: a new version is served the moment
 * it listens, without waiting for the kubelet's next status report or the
 * readiness probe's next period. When that pod refuses the connection (no
 * container yet, not listening yet, or crashing) before answering a byte, the
 * connection goes to the newest running pod, then the newest ready one, with
 * the bytes the client already sent. A connection that only a starting pod
 * could take waits for it. The local port stays the same across rollouts: the
 * server is never closed, only re-targeted as the pod watch sees pods come
 * and go.
 */
export class PortForwarder {
  #options: PortForwarderOptions;
  #pods = new Map<string, Pod>();
  /** When each pod was first seen: orders pods created within the same second. */
  #seen = new Map<string, number>();
  #sequence = 0;
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
      for (const name of this.#pods.keys()) if (!this.#seen.has(name)) this.#seen.set(name, ++this.#sequence);
      for (const name of this.#seen.keys()) if (!this.#pods.has(name)) this.#seen.delete(name);
      for (const wake of this.#waiters.splice(0)) wake();
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

  /** The pod new connections go to first (see the class comment). */
  target(): string | undefined {
    return this.#targets()[0]?.pod;
  }

  #targets(): ForwardTarget[] {
    return forwardTargets(this.#pods.values(), this.#seen);
  }

  /** Resolves on the next pod event, or after `ms`. */
  #nextPodEvent(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
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
    const deadline = Date.now() + (this.#options.waitForPodMs ?? 30_000);
    const { client, namespace, remote } = this.#options;
    // What the client sent before a pod answered: replayed when the next pod takes over.
    const sent: Buffer[] = [];
    let answered = false;
    let attempt: Duplex | undefined;
    socket.on('data', (chunk: Buffer) => {
      if (!answered) sent.push(chunk);
      attempt?.push(chunk);
    });
    let ended = false;
    socket.on('end', () => {
      ended = true;
      attempt?.push(null);
    });
    socket.on('close', () => attempt?.destroy());
    let last: { pod: string; error: KubeError } | undefined;
    while (!socket.destroyed) {
      const targets = this.#targets();
      if (targets.length === 0) {
        if (Date.now() >= deadline) break;
        await this.#nextPodEvent(deadline - Date.now());
        continue;
      }
      let carried = false;
      for (const { pod } of targets) {
        attempt = new Duplex({
          read() {},
          write(chunk: Buffer, _encoding, done) {
            // The data channel's first frame (the port number) arrives empty.
            if (chunk.length === 0) return done();
            answered = true;
            socket.write(chunk, done);
          },
          final(done) {
            socket.end();
            done();
          },
        });
        for (const chunk of sent) attempt.push(chunk);
        if (ended) attempt.push(null);
        socket.resume();
        const result = await client.forwardConnection({ namespace, pod, port: remote, socket: attempt });
        if (result.ok || answered || socket.destroyed) {
          carried = true;
          last = result.ok ? undefined : { pod, error: result.error };
          break;
        }
        last = { pod, error: result.error };
      }
      // Only a pod still starting could take it: wait for the pods to move on, as a first deploy does.
      if (carried || targets.some((t) => t.stage !== 'starting') || Date.now() >= deadline) break;
      await this.#nextPodEvent(Math.min(250, deadline - Date.now()));
    }
    if (last) this.#options.onConnectionError?.(last);
    else if (!answered && !socket.destroyed) {
      this.#options.onConnectionError?.({
        pod: undefined,
        error: { reason: 'no-ready-pod', message: `no ready pod matches ${this.#options.labelSelector}` },
      });
    }
    socket.end();
  }
}
