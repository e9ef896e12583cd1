import type { BuildkitStatus } from './buildkit-status.ts';

/**
 * Turns BuildKit status updates into the lines `docker buildx build
 * --progress=plain` prints for them — `#N name`, `#N CACHED`, `#N DONE 0.1s`,
 * `#N ERROR: …`, a step's output as `#N 0.123 text` — so the same parser,
 * log pane and failure tail serve a build however it reached BuildKit.
 * Vertices are numbered in the order they are first seen.
 */
export class BuildkitLines {
  readonly #numbers = new Map<string, number>();
  readonly #started = new Map<string, number>();
  readonly #ended = new Set<string>();
  readonly #partial = new Map<string, string>();
  readonly #decoder = new TextDecoder();

  /** The lines for one status update. */
  push(status: BuildkitStatus): string[] {
    const lines: string[] = [];
    for (const v of status.vertexes) {
      if (this.#ended.has(v.digest)) continue;
      const n = this.#number(v.digest);
      if (!this.#started.has(v.digest) && (v.started !== undefined || v.cached || v.completed !== undefined)) {
        this.#started.set(v.digest, v.started ?? v.completed ?? 0);
        lines.push(`#${n} ${v.name}`);
      }
      if (v.error) {
        this.#ended.add(v.digest);
        lines.push(...this.#flush(v.digest), `#${n} ERROR: ${v.error}`);
      } else if (v.cached && this.#started.has(v.digest)) {
        this.#ended.add(v.digest);
        lines.push(`#${n} CACHED`);
      } else if (v.completed !== undefined) {
        this.#ended.add(v.digest);
        const seconds = Math.max(0, v.completed - (this.#started.get(v.digest) ?? v.completed)) / 1000;
        lines.push(...this.#flush(v.digest), `#${n} DONE ${seconds.toFixed(1)}s`);
      }
    }
    for (const log of status.logs) {
      const n = this.#number(log.vertex);
      const at =
        log.timestamp !== undefined ? ((log.timestamp - (this.#started.get(log.vertex) ?? log.timestamp)) / 1000).toFixed(3) : '0.000';
      const text = (this.#partial.get(log.vertex) ?? '') + this.#decoder.decode(log.data);
      const parts = text.split(/\r?\n/);
      this.#partial.set(log.vertex, parts.pop() ?? '');
      for (const part of parts) lines.push(`#${n} ${at} ${part}`);
    }
    return lines;
  }

  #number(digest: string): number {
    let n = this.#numbers.get(digest);
    if (n === undefined) {
      n = this.#numbers.size + 1;
      this.#numbers.set(digest, n);
    }
    return n;
  }

  /** A step's last output line that had no newline yet. */
  #flush(digest: string): string[] {
    const rest = this.#partial.get(digest);
    this.#partial.delete(digest);
    return rest ? [`#${this.#number(digest)} ${rest}`] : [];
  }
}
