import type { KubeClient, KubeError, WatchHandle } from './kube-client.ts';
import type { ContainerStatus, Pod } from './kube-types.ts';
import { compareTimestamps, LogRingBuffer } from './log-buffer.ts';
import type { LogLine } from './log-line.ts';

export interface LogStreamerOptions {
  readonly client: KubeClient;
  readonly namespace: string;
  /** The devloop resource the lines are attributed to. */
  readonly resource: string;
  /** Selects the resource's pods, e.g. `app=web` from the workload's selector. */
  readonly labelSelector: string;
  /** Lines kept for the resource. Default 5000. */
  readonly capacity?: number;
  readonly onLine?: (line: LogLine) => void;
  /** A stream that could not be opened or broke; the streamer retries while the container lives. */
  readonly onError?: (info: { pod: string; container: string; error: KubeError }) => void;
  /** Pause before reopening a broken stream. Default 500 ms. */
  readonly retryDelayMs?: number;
}

interface ContainerLog {
  streaming: boolean;
  /** Status signature the open (or last) stream was opened for. */
  openedFor: string;
  /** Newest timestamp delivered, and how many lines carried exactly it. */
  lastTimestamp: string;
  atLastTimestamp: number;
  attempts: number;
  timer: NodeJS.Timeout | undefined;
  init: boolean;
  /** Retries ran out (e.g. the apiserver was down for long); the next pod event or relist tries again. */
  gaveUp: boolean;
}

/**
 * Follows the logs of every container (init containers included) of a
 * resource's pods from their first line. A stream opens as soon as the pod
 * watch shows the container started — a container that already exited is
 * read once in full — and reopens after restarts and broken connections
 * from the last timestamp, dropping the lines it already delivered. Lines
 * keep flowing during rollouts; the newest `capacity` are kept.
 *
 * Per container: `idle → streaming → idle` (reopened when the container's
 * status changes or the stream broke while it runs).
 */
export class LogStreamer {
  #options: LogStreamerOptions;
  #buffer: LogRingBuffer;
  #containers = new Map<string, ContainerLog>();
  #pods = new Map<string, Pod>();
  #abort = new AbortController();
  #watch: WatchHandle | undefined;

  constructor(options: LogStreamerOptions) {
    this.#options = options;
    this.#buffer = new LogRingBuffer(options.capacity ?? 5000);
  }

  /** Starts watching pods and streaming. */
  start(): this {
    this.#watch = this.#options.client.watch(
      { kind: 'Pod', namespace: this.#options.namespace, labelSelector: this.#options.labelSelector },
      (event) => {
        switch (event.type) {
          case 'sync':
            this.#pods = new Map(event.objects.map((o) => [o.metadata.name, o as Pod]));
            for (const pod of this.#pods.values()) this.#reconcile(pod);
            return;
          case 'added':
          case 'modified':
            this.#pods.set(event.object.metadata.name, event.object as Pod);
            this.#reconcile(event.object as Pod);
            return;
          case 'deleted':
            this.#pods.delete(event.object.metadata.name);
            return;
          case 'reconnecting':
            return;
        }
      },
    );
    return this;
  }

  /** Stops the pod watch and every stream. */
  stop(): void {
    this.#watch?.stop();
    this.#abort.abort();
    for (const c of this.#containers.values()) if (c.timer) clearTimeout(c.timer);
  }

  /** The kept lines, oldest first. */
  lines(): LogLine[] {
    return this.#buffer.lines();
  }

  #reconcile(pod: Pod): void {
    const statuses: [ContainerStatus, boolean][] = [
      ...(pod.status?.initContainerStatuses ?? []).map((s): [ContainerStatus, boolean] => [s, true]),
      ...(pod.status?.containerStatuses ?? []).map((s): [ContainerStatus, boolean] => [s, false]),
    ];
    for (const [status, init] of statuses) {
      const signature = signatureOf(status);
      if (!signature) continue;
      const key = `${pod.metadata.name}/${status.name}`;
      let log = this.#containers.get(key);
      if (!log) {
        log = {
          streaming: false,
          openedFor: '',
          lastTimestamp: '',
          atLastTimestamp: 0,
          attempts: 0,
          timer: undefined,
          init,
          gaveUp: false,
        };
        this.#containers.set(key, log);
      }
      if (log.streaming || log.timer) continue;
      if (log.openedFor !== signature) this.#open(pod.metadata.name, status.name, log, signature);
      else if (log.gaveUp && status.state?.running) {
        log.gaveUp = false;
        log.attempts = 0;
        this.#open(pod.metadata.name, status.name, log, signature);
      }
    }
  }

  #open(pod: string, container: string, log: ContainerLog, signature: string): void {
    if (this.#abort.signal.aborted) return;
    log.streaming = true;
    log.openedFor = signature;
    log.attempts++;
    const { client, namespace, resource } = this.#options;
    let skip = log.atLastTimestamp;
    const since = log.lastTimestamp;
    void client
      .streamLog(
        { namespace, pod, container, follow: true, signal: this.#abort.signal, ...(since ? { sinceTime: since } : {}) },
        (line) => {
          if (since && line.timestamp) {
            const order = compareTimestamps(line.timestamp, since);
            if (order < 0) return;
            if (order === 0 && skip > 0) {
              skip--;
              return;
            }
          }
          if (line.timestamp && line.timestamp === log.lastTimestamp) log.atLastTimestamp++;
          else if (line.timestamp) {
            log.lastTimestamp = line.timestamp;
            log.atLastTimestamp = 1;
          }
          const out: LogLine = { resource, pod, container, timestamp: line.timestamp, text: line.text, init: log.init };
          this.#buffer.push(out);
          this.#options.onLine?.(out);
        },
      )
      .then((result) => {
        log.streaming = false;
        if (this.#abort.signal.aborted) return;
        if (!result.ok) this.#options.onError?.({ pod, container, error: result.error });
        else log.attempts = 0;
        this.#afterEnd(pod, container, log, result.ok);
      });
  }

  /** Decides whether to reopen: the status moved on, or the stream broke while the container runs. */
  #afterEnd(pod: string, container: string, log: ContainerLog, cleanEnd: boolean): void {
    const current = this.#pods.get(pod);
    const status = [...(current?.status?.initContainerStatuses ?? []), ...(current?.status?.containerStatuses ?? [])].find(
      (s) => s.name === container,
    );
    if (!current || !status) return;
    const signature = signatureOf(status);
    if (!signature) return;
    const running = Boolean(status.state?.running);
    if (signature !== log.openedFor && cleanEnd) {
      this.#open(pod, container, log, signature);
      return;
    }
    if (running || !cleanEnd) {
      if (log.attempts > 30) {
        log.gaveUp = true;
        return;
      }
      const delay = this.#options.retryDelayMs ?? 500;
      log.timer = setTimeout(() => {
        log.timer = undefined;
        const latest = this.#pods.get(pod);
        const s = [...(latest?.status?.initContainerStatuses ?? []), ...(latest?.status?.containerStatuses ?? [])].find(
          (x) => x.name === container,
        );
        const sig = s && signatureOf(s);
        if (latest && sig && !log.streaming) this.#open(pod, container, log, sig);
      }, delay);
    }
  }
}

/** Identifies one run of a container that has (or had) logs; undefined before it first started. */
function signatureOf(status: ContainerStatus): string | undefined {
  const restarts = status.restartCount ?? 0;
  if (status.state?.running) return `${restarts}:running:${status.state.running.startedAt ?? ''}`;
  if (status.state?.terminated) return `${restarts}:terminated:${status.state.terminated.finishedAt ?? ''}`;
  if (status.lastState?.terminated) return `${restarts}:terminated:${status.lastState.terminated.finishedAt ?? ''}`;
  return undefined;
}
