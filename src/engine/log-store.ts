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
  /** Per container stream, `timestamp text` of its recent lines (insertion-ordered, bounded). */
  #recent = new Map<string, Set<string>>();

  constructor(options: { perResource?: number } = {}) {
    this.#perResource = options.perResource ?? 5000;
  }

  /**
   * Keeps a line, or drops it (answering undefined) when the same container
   * already delivered a line with this timestamp and text: a log stream opened
   * again (after a reload, a broken connection, an apiserver restart) replays
   * what was already kept.
   */
  append(line: LogLine): StoredLine | undefined {
    if (line.source !== 'build' && line.pod && line.timestamp && this.#replayed(line)) return undefined;
    const stored: StoredLine = { ...line, seq: ++this.#seq };
    this.#keep(stored);
    for (const listener of this.#listeners) listener(stored);
    return stored;
  }

  /**
   * One line for several resources (a build's output, for every resource
   * running the image): kept in each one's log under one `seq`, so where all
   * resources are merged it shows once. Listeners hear it once, as the first
   * resource's.
   */
  appendToEach(resources: readonly string[], line: Omit<LogLine, 'resource'>): void {
    const [first, ...others] = resources;
    if (first === undefined) return;
    const stored: StoredLine = { ...line, resource: first, seq: ++this.#seq };
    this.#keep(stored);
    for (const resource of others) this.#keep({ ...stored, resource });
    for (const listener of this.#listeners) listener(stored);
  }

  #keep(stored: StoredLine): void {
    let buffer = this.#buffers.get(stored.resource);
    if (!buffer) {
      buffer = [];
      this.#buffers.set(stored.resource, buffer);
    }
    buffer.push(stored);
    if (buffer.length > this.#perResource) {
      const excess = buffer.length - this.#perResource;
      buffer.splice(0, excess);
      this.#dropped.set(stored.resource, (this.#dropped.get(stored.resource) ?? 0) + excess);
    }
  }

  #replayed(line: LogLine): boolean {
    const stream = `${line.resource}/${line.pod}/${line.container}`;
    let seen = this.#recent.get(stream);
    if (!seen) {
      seen = new Set();
      this.#recent.set(stream, seen);
      if (this.#recent.size > 500) this.#recent.delete(this.#recent.keys().next().value as string);
    }
    const key = `${line.timestamp} ${line.text}`;
    if (seen.has(key)) return true;
    seen.add(key);
    if (seen.size > this.#perResource) seen.delete(seen.values().next().value as string);
    return false;
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
    // A line kept for several resources has one seq: merged, it shows once.
    const merged = picked.sort((a, b) => a.seq - b.seq).filter((line, i, all) => i === 0 || all[i - 1]?.seq !== line.seq);
    return merged.slice(-options.limit);
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
