import type { LogLine } from './log-line.ts';

/**
 * A bounded ring of log lines per resource, so a chatty pod never grows
 * memory without end and the UI can show the most recent lines at once.
 */
export class LogRingBuffer {
  #capacity: number;
  #lines: (LogLine | undefined)[];
  #next = 0;
  #size = 0;
  #dropped = 0;

  constructor(capacity = 5000) {
    this.#capacity = Math.max(1, capacity);
    this.#lines = new Array(this.#capacity);
  }

  push(line: LogLine): void {
    if (this.#size === this.#capacity) this.#dropped++;
    else this.#size++;
    this.#lines[this.#next] = line;
    this.#next = (this.#next + 1) % this.#capacity;
  }

  /** The kept lines, oldest first. */
  lines(): LogLine[] {
    const start = (this.#next - this.#size + this.#capacity) % this.#capacity;
    const out: LogLine[] = [];
    for (let i = 0; i < this.#size; i++) {
      const line = this.#lines[(start + i) % this.#capacity];
      if (line) out.push(line);
    }
    return out;
  }

  /** How many old lines were dropped to keep the bound. */
  get dropped(): number {
    return this.#dropped;
  }
}

/**
 * Orders kubelet timestamps (RFC 3339 with up to nine fractional digits,
 * trailing zeros trimmed) as numbers would: compares seconds then padded nanoseconds.
 */
export function compareTimestamps(a: string, b: string): number {
  const [as, an] = splitFraction(a);
  const [bs, bn] = splitFraction(b);
  return as < bs ? -1 : as > bs ? 1 : an < bn ? -1 : an > bn ? 1 : 0;
}

function splitFraction(ts: string): [string, string] {
  const m = /^(.*?T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(ts);
  if (!m) return [ts, '000000000'];
  return [`${m[1]}${m[3]}`, (m[2] ?? '').padEnd(9, '0')];
}
