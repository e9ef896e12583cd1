import type { LogLine } from './ports.ts';

/** A log line with its position, so views can page and dedupe. */
export interface StoredLine extends LogLine {
  readonly seq: number;
}

/**
 * Pod logs and build output, a bounded ring buffer per resource so a noisy
 * pod cannot grow memory without limit. Kept apart from the engine state so a
 * flood of lines does not run the reducer; views subscribe and redraw at their
 * own pace.
 */
export class LogStore {
  #perResource: number;
  #buffers = new Map<string, StoredLine[]>();
  #seq = 0;
  #listeners = new Set<(line: StoredLine) => void>();
  #dropped = new Map<string, number>();

  constructor(options: { perResource?: number } = {}) {
    this.#perResource = options.perResource ?? 5000;
  }

  append(line: LogLine): StoredLine {
    const stored: StoredLine = { ...line, seq: ++this.#seq };
    let buffer = this.#buffers.get(line.resource);
    if (!buffer) {
      buffer = [];
      this.#buffers.set(line.resource, buffer);
    }
    buffer.push(stored);
    if (buffer.length > this.#perResource) {
      const excess = buffer.length - this.#perResource;
      buffer.splice(0, excess);
      this.#dropped.set(line.resource, (this.#dropped.get(line.resource) ?? 0) + excess);
    }
    for (const listener of this.#listeners) listener(stored);
    return stored;
  }

  /** The last `limit` lines of one resource, or of all resources merged in arrival order. */
  tail(options: { resource?: string; limit: number; filter?: string }): StoredLine[] {
    const sources = options.resource ? [this.#buffers.get(options.resource) ?? []] : [...this.#buffers.values()];
    const matches = (l: StoredLine) => !options.filter || l.text.toLowerCase().includes(options.filter.toLowerCase());
    const picked: StoredLine[] = [];
    for (const buffer of sources) {
      for (let i = buffer.length - 1, taken = 0; i >= 0 && taken < options.limit; i--) {
        const line = buffer[i];
        if (line && matches(line)) {
          picked.push(line);
          taken++;
        }
      }
    }
    return picked.sort((a, b) => a.seq - b.seq).slice(-options.limit);
  }

  /** Lines dropped from a resource's buffer because it was full. */
  dropped(resource: string): number {
    return this.#dropped.get(resource) ?? 0;
  }

  /** Increases with every line; views compare it to know whether to redraw. */
  get version(): number {
    return this.#seq;
  }

  subscribe(listener: (line: StoredLine) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
