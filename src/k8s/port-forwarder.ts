import { createServer, type Server, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
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
 * carried to the resource's newest pod whose containers all run — ready or
 * not yet, as `kubectl port-forward` to a pod would: a new version is served
 * as soon as it listens, without waiting for its readiness probe's next
 * period. When that pod refuses the connection (not listening yet, or
 * crashing) before answering a byte, the connection goes to the newest ready
 * pod instead, with the bytes the client already sent. The local port stays
 * the same across rollouts: the server is never closed, only re-targeted as
 * the pod watch sees pods come and go.
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

  /** The pod new connections go to first: the newest running pod (see the class comment), else the newest ready one. */
  target(): string | undefined {
    return this.#targets()[0];
  }

  /** The newest running pod, then the newest ready pod when that is another one; none being deleted. */
  #targets(): string[] {
    const live = [...this.#pods.values()].filter((p) => !p.metadata.deletionTimestamp);
    live.sort((a, b) => (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? ''));
    const running = live.find((p) => isPodRunning(p))?.metadata.name;
    const ready = live.find((p) => isPodReady(p))?.metadata.name;
    return [...new Set([running, ready].filter((name): name is string => name !== undefined))];
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
    let targets = this.#targets();
    if (targets.length === 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.#options.waitForPodMs ?? 30_000);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      targets = this.#targets();
    }
    if (targets.length === 0) {
      this.#options.onConnectionError?.({
        pod: undefined,
        error: { reason: 'no-ready-pod', message: `no ready pod matches ${this.#options.labelSelector}` },
      });
      socket.destroy();
      return;
    }
    const { client, namespace, remote } = this.#options;
    // What the client sent before the pod answered: replayed when the next pod takes over.
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
    for (const [i, pod] of targets.entries()) {
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
      if (result.ok) break;
      if (!answered && i < targets.length - 1 && !socket.destroyed) continue;
      this.#options.onConnectionError?.({ pod, error: result.error });
      break;
    }
    socket.end();
  }
}

/** Every container of the pod has started and runs: it may be listening already. */
function isPodRunning(pod: Pod): boolean {
  const statuses = pod.status?.containerStatuses ?? [];
  const containers = pod.spec?.containers?.length ?? statuses.length;
  return (
    pod.status?.phase === 'Running' &&
    statuses.length >= containers &&
    statuses.length > 0 &&
    statuses.every((s) => s.started === true && s.state?.running !== undefined)
  );
}
