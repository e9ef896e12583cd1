import type { SeenFileChange } from '../core/file-change.ts';

/** Timer functions, injectable so tests control time. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};

/**
 * Collects file events until `quietMs` pass without a new one, then hands the
 * batch over once: one entry per path, its last kind, its first time seen. A
 * file added and removed inside one batch still counts (its absence is a
 * change only if it existed before; the planner decides). While paused,
 * events accumulate and flush on resume.
 */
export class Batcher {
  #pending = new Map<string, SeenFileChange>();
  #timer: unknown;
  #paused = false;
  readonly #quietMs: number;
  readonly #timers: Timers;
  readonly #onBatch: (changes: SeenFileChange[]) => void;

  constructor(options: { quietMs: number; onBatch: (changes: SeenFileChange[]) => void; timers?: Timers }) {
    this.#quietMs = options.quietMs;
    this.#onBatch = options.onBatch;
    this.#timers = options.timers ?? realTimers;
  }

  add(path: string, kind: SeenFileChange['kind']): void {
    const previous = this.#pending.get(path);
    this.#pending.set(path, { path, kind, at: previous?.at ?? this.#timers.now() });
    if (this.#paused) return;
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer);
    this.#timer = this.#timers.setTimeout(() => this.flush(), this.#quietMs);
  }

  /** Hands over what is pending now. */
  flush(): void {
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending.size === 0 || this.#paused) return;
    const batch = [...this.#pending.values()].sort((a, b) => a.at - b.at);
    this.#pending.clear();
    this.#onBatch(batch);
  }

  pause(): void {
    this.#paused = true;
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  resume(): void {
    this.#paused = false;
    this.flush();
  }

  get pendingCount(): number {
    return this.#pending.size;
  }

  dispose(): void {
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer);
    this.#pending.clear();
  }
}
