/** Something that changes and says so; the shape of both the store and the log store. */
export interface ChangeSource {
  subscribe(listener: () => void): () => void;
}

/**
 * Turns a noisy change source into one React can follow with
 * `useSyncExternalStore` without redrawing per change: listeners hear the
 * first change at once and then at most one change per interval (the last one
 * is never lost), and the snapshot is a counter that only moves when they do,
 * so a flood of 10k log lines costs a handful of frames.
 */
export class ThrottledSource {
  #source: ChangeSource;
  #intervalMs: number;
  #version = 0;

  constructor(source: ChangeSource, intervalMs: number) {
    this.#source = source;
    this.#intervalMs = intervalMs;
  }

  getSnapshot = (): number => this.#version;

  subscribe = (listener: () => void): (() => void) => {
    let lastFired = Number.NEGATIVE_INFINITY;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const fire = () => {
      timer = undefined;
      lastFired = Date.now();
      this.#version++;
      listener();
    };
    const unsubscribe = this.#source.subscribe(() => {
      if (this.#intervalMs <= 0) return fire();
      if (timer !== undefined) return;
      const wait = lastFired + this.#intervalMs - Date.now();
      if (wait <= 0) fire();
      else timer = setTimeout(fire, wait);
    });
    return () => {
      unsubscribe();
      if (timer !== undefined) clearTimeout(timer);
    };
  };
}
