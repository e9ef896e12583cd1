import type { CliContext } from '../../src/cli/cli-context.ts';
import { LoopSupervisor } from '../../src/cli/run-loop.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import type { ResolvedConfig } from '../../src/config/resolved-config.ts';
import { problemHeadline } from '../../src/core/problem.ts';
import type { Action } from '../../src/engine/actions.ts';
import { LogStore } from '../../src/engine/log-store.ts';
import { Store } from '../../src/engine/store.ts';
import { ExecaRunner } from '../../src/system/execa-runner.ts';
import { FileHashPool } from '../../src/system/file-hash-pool.ts';
import { NodeFileSystem } from '../../src/system/node-file-system.ts';
import { CountingRunner } from './counting-runner.ts';
import type { BenchProject } from './project.ts';

const silentSink = { write: () => undefined, isTTY: false, columns: 100 };

/** Actions that end an iteration's hope of success; a wait fails fast on them. */
const failureTypes = new Set<Action['type']>(['plan-failed', 'build-failed', 'delivery-failed', 'resource-failed', 'config-invalid']);

/**
 * `devloop up` in this process, exactly as the CLI composes it (the real
 * watcher, planner, docker builder, delivery and Kubernetes adapters), minus
 * the UI: every action is kept with its epoch-ms times, and every program
 * devloop starts goes through a counting runner.
 */
export class LoopHarness {
  readonly actions: Action[] = [];
  readonly runner: CountingRunner;
  readonly store: Store;
  readonly config: ResolvedConfig;
  readonly notices: string[] = [];
  readonly #supervisor: LoopSupervisor;
  #waiters = new Set<() => void>();

  private constructor(options: { runner: CountingRunner; store: Store; config: ResolvedConfig; supervisor: LoopSupervisor }) {
    this.runner = options.runner;
    this.store = options.store;
    this.config = options.config;
    this.#supervisor = options.supervisor;
    this.store.subscribe((action) => {
      this.actions.push(action);
      for (const wake of this.#waiters) wake();
    });
  }

  /**
   * Loads the project's config (or `configFile`, as `--config` does) and runs
   * the first pass (resolves when every resource is ready, or throws).
   */
  static async start(project: BenchProject, options: { configFile?: string } = {}): Promise<LoopHarness> {
    const runner = new CountingRunner(new ExecaRunner());
    const fs = new NodeFileSystem();
    const ctx: CliContext = {
      cwd: project.dir,
      env: project.env,
      stdout: silentSink,
      stderr: silentSink,
      color: false,
      runner,
      fs,
      fileHasher: () => new FileHashPool(),
      signal: new AbortController().signal,
    };
    const configPath = options.configFile ? { configPath: options.configFile } : {};
    const loaded = await loadConfig({ cwd: project.dir, env: project.env, flags: {}, fs, ...configPath });
    if (!loaded.ok) throw new Error(`config: ${loaded.error.map((d) => d.message).join('; ')}`);
    const store = new Store(Date.now());
    const failures: string[] = [];
    let harness: LoopHarness | undefined;
    const supervisor = new LoopSupervisor({
      ctx,
      globals: options.configFile ? { config: options.configFile } : {},
      store,
      logs: new LogStore(),
      watch: true,
      output: {
        notice: (message) => harness?.notices.push(message),
        sessionFailed: (error) => failures.push(error.diagnostics.map((d) => d.message).join('; ')),
        fault: (error) => failures.push(`internal error: ${String(error)}`),
      },
    });
    harness = new LoopHarness({ runner, store, config: loaded.value.config, supervisor });
    const started = await supervisor.start(loaded.value);
    if (!started || failures.length) throw new Error(`devloop could not start: ${failures.join('; ')}`);
    const notReady = Object.values(store.getState().resources).filter((r) => r.phase !== 'ready');
    if (notReady.length) throw new Error(`first pass did not end ready: ${harness.describeFailures(0)}`);
    return harness;
  }

  /** The index the next action will have: a mark to read "actions since". */
  mark(): number {
    return this.actions.length;
  }

  since(mark: number): Action[] {
    return this.actions.slice(mark);
  }

  /**
   * Resolves with the first action from `mark` on that matches; rejects on
   * timeout, or at once on a failure action when `failFast`.
   */
  async waitFor<T extends Action>(
    mark: number,
    match: (action: Action) => action is T,
    options: { timeoutMs?: number; failFast?: boolean } = {},
  ): Promise<T> {
    const deadline = Date.now() + (options.timeoutMs ?? 120_000);
    for (;;) {
      const list = this.since(mark);
      const found = list.find(match);
      if (found) return found;
      if ((options.failFast ?? true) && list.some((a) => failureTypes.has(a.type))) {
        throw new Error(`devloop reported a failure: ${this.describeFailures(mark)}`);
      }
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `timed out; last actions: ${
            list
              .slice(-5)
              .map((a) => a.type)
              .join(', ') || 'none'
          }`,
        );
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.#waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, Math.min(left, 250));
        this.#waiters.add(wake);
      });
    }
  }

  /** Resolves when the watcher's scan of every file (after the first plan) is done. */
  async watchScanned(): Promise<void> {
    await this.#supervisor.watchScanned();
  }

  /** Resolves once no action arrived for `quietMs` (and no iteration runs). */
  async settle(quietMs: number): Promise<void> {
    for (;;) {
      await this.#supervisor.idle();
      const before = this.actions.length;
      await new Promise((resolve) => setTimeout(resolve, quietMs));
      if (this.actions.length === before) return;
    }
  }

  /** The failure actions from `mark` on, as text. */
  describeFailures(mark: number): string {
    return this.since(mark)
      .flatMap((a) => ('problem' in a ? [`${a.type}: ${problemHeadline(a.problem)}`] : []))
      .join('; ');
  }

  async stop(): Promise<void> {
    await this.#supervisor.stop();
  }
}

/** Narrowing helper: `isAction('build-started')`. */
export function isAction<K extends Action['type']>(type: K): (action: Action) => action is Extract<Action, { type: K }> {
  return (action): action is Extract<Action, { type: K }> => action.type === type;
}

/** The first action of a type in a list. */
export function first<K extends Action['type']>(actions: readonly Action[], type: K): Extract<Action, { type: K }> | undefined {
  return actions.find(isAction(type));
}

/** Every action of a type in a list. */
export function all<K extends Action['type']>(actions: readonly Action[], type: K): Extract<Action, { type: K }>[] {
  return actions.filter(isAction(type));
}
