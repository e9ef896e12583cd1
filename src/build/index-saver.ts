import type { HashIndex } from './hash-index.ts';

/**
 * Saves the hash index at most once per `delayMs` (default 5 s): on a large
 * tree it is megabytes of JSON. A failed save is left for the next one (the
 * index is a cache).
 */
export class IndexSaver {
  readonly #index: Pick<HashIndex, 'save'>;
  readonly #delayMs: number;
  #timer: NodeJS.Timeout | undefined;

  constructor(index: Pick<HashIndex, 'save'>, delayMs = 5000) {
    this.#index = index;
    this.#delayMs = delayMs;
  }

  /** Saves after the delay, unless a save is already waiting. */
  soon(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#index.save().catch(() => undefined);
    }, this.#delayMs);
    // A pending save never keeps the process alive.
    this.#timer.unref();
  }
}
