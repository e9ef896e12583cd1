import type { LocalExit } from './host-local-runner.ts';

/**
 * A local command runner for unit tests: every run is recorded; a run prints
 * `output[name]` and exits with `exitCodes[name]` (0 by default) at once,
 * unless its name is `held` (a `serve` command, or a run to look at while it
 * runs): then it runs until `finish(name, code)` or its signal. Programs in
 * `missing` do not exist. `changes` answers `changedAt`.
 */
export class FakeLocalRunner {
  /** Names in the order their runs started. */
  readonly started: string[] = [];
  readonly exitCodes: Record<string, number> = {};
  readonly output: Record<string, string[]> = {};
  readonly held = new Set<string>();
  readonly missing = new Set<string>();
  /** Path → its inode change time. */
  readonly changes = new Map<string, number>();
  readonly #running = new Map<string, (exit: LocalExit) => void>();

  /** Whether a run of `name` is going on. */
  isRunning(name: string): boolean {
    return this.#running.has(name);
  }

  /** Ends the held run of `name` with `code`. */
  finish(name: string, code = 0): void {
    this.#running.get(name)?.({ exitCode: code, notFound: false, cancelled: false, durationMs: 5 });
  }

  async run(name: string, options: { signal: AbortSignal; onLine: (line: string) => void; onStarted?: () => void }): Promise<LocalExit> {
    this.started.push(name);
    if (this.missing.has(name)) return { exitCode: undefined, notFound: true, cancelled: false, durationMs: 0 };
    options.onStarted?.();
    for (const line of this.output[name] ?? []) options.onLine(line);
    if (!this.held.has(name) || options.signal.aborted) {
      const cancelled = options.signal.aborted;
      return { exitCode: cancelled ? undefined : (this.exitCodes[name] ?? 0), notFound: false, cancelled, durationMs: 5 };
    }
    const exit = await new Promise<LocalExit>((resolve) => {
      this.#running.set(name, resolve);
      options.signal.addEventListener('abort', () => resolve({ exitCode: undefined, notFound: false, cancelled: true, durationMs: 5 }), {
        once: true,
      });
    });
    this.#running.delete(name);
    return exit;
  }

  async changedAt(path: string): Promise<number | undefined> {
    return this.changes.get(path);
  }
}
