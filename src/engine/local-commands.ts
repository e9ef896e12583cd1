import type { SeenFileChange } from '../core/file-change.ts';
import type { Problem } from '../core/problem.ts';
import type { Action } from './actions.ts';
import type { LogStore } from './log-store.ts';
import type { LoopLocal } from './loop-model.ts';
import type { LocalExit, LocalRunner } from './ports.ts';
import type { StepResult } from './run-steps.ts';
import type { EngineState, LocalRun } from './state.ts';

/** Lines of output a failure shows. */
const lastLines = 20;
/** The kernel stamps file times from a clock that may lag the wall clock by a tick. */
const clockTickMs = 20;
/** How long after a run a deletion the watcher reports is still taken for the run's own. */
const watcherLagMs = 1000;

export interface LocalCommandsOptions {
  readonly locals: readonly LoopLocal[];
  /** Without it, a local command fails at once (the model has none then). */
  readonly runner: LocalRunner | undefined;
  readonly getState: () => EngineState;
  readonly dispatch: (action: Action) => void;
  readonly now: () => number;
  readonly logs: LogStore;
}

/**
 * The project's local commands in the loop: which ones a batch of changes
 * makes due, running one as a step of an iteration (its output in its own
 * log pane, its exit code as its state), and the `serve` ones that keep
 * running between iterations until they are restarted or the loop stops.
 *
 * A command that writes into its own deps (a formatter, a generator whose
 * output sits beside its input) must not run again because of its own
 * writes: a changed file whose inode changed during the command's last run
 * is taken as the run's own. An edit saved while it runs is taken for its own
 * too; a later save runs it again.
 */
export class LocalCommands {
  readonly #o: LocalCommandsOptions;
  readonly all: readonly LoopLocal[];
  readonly #byName: ReadonlyMap<string, LoopLocal>;
  /** `serve` commands that started: killed by a restart or `stopAll`, and a failure when they exit by themselves. */
  readonly #serving = new Map<string, { readonly abort: AbortController; readonly exited: Promise<void> }>();
  /** Set by `stopAll`: nothing starts after it, even from an iteration that was still planning. */
  #stopped = false;

  constructor(options: LocalCommandsOptions) {
    this.#o = options;
    this.all = options.locals;
    this.#byName = new Map(options.locals.map((l) => [l.name, l]));
  }

  has(name: string): boolean {
    return this.#byName.has(name);
  }

  /**
   * The commands an iteration takes: all on the first pass; later those asked
   * to run again (the trigger key), those that have not run since they were
   * last taken (a dependency was not ready, newer changes cancelled them), and
   * those whose deps the batch changed — a `manual` one waits for its trigger instead.
   */
  async due(changes: readonly SeenFileChange[], firstPass: boolean): Promise<LoopLocal[]> {
    if (firstPass) return [...this.all];
    const out: LoopLocal[] = [];
    for (const local of this.all) {
      const state = this.#o.getState().locals[local.name];
      if (!state) continue;
      if (state.rerun !== undefined || state.status === 'pending') out.push(local);
      else if (await this.#changed(local, state.run, changes)) {
        if (local.trigger === 'auto') out.push(local);
        else this.#o.dispatch({ type: 'local-waiting', at: this.#o.now(), local: local.name, waiting: { kind: 'trigger' } });
      }
    }
    return out;
  }

  /** Whether the batch changed one of its deps, other than by its last run's own writes. */
  async #changed(local: LoopLocal, run: LocalRun | undefined, changes: readonly SeenFileChange[]): Promise<boolean> {
    const mine = changes.filter((c) => local.watches(c.path));
    if (mine.length === 0) return false;
    // A `serve` command runs all along: what it writes cannot be told from an edit, so its deps must not hold its output.
    if (local.serve || run?.endedAt === undefined) return true;
    for (const change of mine) if (!(await this.#ownWrite(change, run.startedAt, run.endedAt))) return true;
    return false;
  }

  async #ownWrite(change: SeenFileChange, startedAt: number, endedAt: number): Promise<boolean> {
    const changedAt = change.kind === 'unlink' ? undefined : await this.#o.runner?.changedAt(change.path);
    if (changedAt === undefined) return change.at >= startedAt && change.at <= endedAt + watcherLagMs;
    return changedAt >= startedAt - clockTickMs && changedAt <= endedAt;
  }

  /**
   * Runs a command to its end, or starts a `serve` one (restarting it when it
   * runs): `done` when it exited 0 or started, `cancelled` when `signal` killed
   * it first, `failed` otherwise, with its exit code and last lines dispatched.
   */
  async run(name: string, signal: AbortSignal): Promise<StepResult> {
    const local = this.#byName.get(name);
    const runner = this.#o.runner;
    if (!local || !runner) return 'failed';
    await this.#stopServing(name);
    if (signal.aborted || this.#stopped) return 'cancelled';
    const startedAt = this.#o.now();
    this.#o.dispatch({ type: 'local-started', at: startedAt, local: name });
    const tail: string[] = [];
    const onLine = (text: string) => {
      tail.push(text);
      if (tail.length > lastLines) tail.shift();
      const timestamp = new Date(this.#o.now()).toISOString();
      this.#o.logs.append({ resource: name, pod: '', container: '', timestamp, text });
    };
    if (!local.serve) return this.#ended(local, await runner.run(name, { signal, onLine }), startedAt, tail);

    const abort = new AbortController();
    let started = () => {};
    const running = new Promise<'started'>((resolve) => {
      started = () => resolve('started');
    });
    const exited = runner.run(name, { signal: abort.signal, onLine, onStarted: started });
    const first = await Promise.race([running, exited]);
    if (first !== 'started') return this.#ended(local, first, startedAt, tail);
    const watched = exited.then((exit) => {
      if (abort.signal.aborted) return;
      this.#serving.delete(name);
      this.#ended(local, { ...exit, cancelled: false }, startedAt, tail);
    });
    this.#serving.set(name, { abort, exited: watched });
    this.#o.dispatch({ type: 'local-serving', at: this.#o.now(), local: name });
    return 'done';
  }

  #ended(local: LoopLocal, exit: LocalExit, startedAt: number, tail: readonly string[]): StepResult {
    const at = this.#o.now();
    if (exit.cancelled) {
      this.#o.dispatch({ type: 'local-cancelled', at, local: local.name });
      return 'cancelled';
    }
    const durationMs = at - startedAt;
    if (exit.exitCode === 0 && !exit.notFound && !local.serve) {
      this.#o.dispatch({ type: 'local-completed', at, local: local.name, durationMs });
      return 'done';
    }
    const problem = localProblem(local, exit, tail);
    this.#o.dispatch({ type: 'local-failed', at, local: local.name, exitCode: exit.exitCode, durationMs, problem });
    return 'failed';
  }

  async #stopServing(name: string): Promise<void> {
    const serving = this.#serving.get(name);
    if (!serving) return;
    this.#serving.delete(name);
    serving.abort.abort();
    await serving.exited;
  }

  /** Kills every `serve` command with what it started; resolves once they exited. */
  async stopAll(): Promise<void> {
    this.#stopped = true;
    await Promise.all([...this.#serving.keys()].map((name) => this.#stopServing(name)));
  }
}

/**
 * The commands of `due` that wait for nothing but local commands: they run
 * before the iteration plans its images, so a code generator's output is in
 * the build that follows. The others wait for a resource (directly or
 * through another command) and run as steps among the deploys.
 */
export function beforePlan(due: readonly LoopLocal[], all: readonly LoopLocal[]): { before: LoopLocal[]; after: LoopLocal[] } {
  const byName = new Map(all.map((l) => [l.name, l]));
  const needsResource = (local: LoopLocal, seen: Set<string>): boolean =>
    local.dependsOn.some((dep) => {
      const other = byName.get(dep);
      if (!other) return true;
      if (seen.has(dep)) return false;
      seen.add(dep);
      return needsResource(other, seen);
    });
  const before = due.filter((l) => !needsResource(l, new Set([l.name])));
  return { before, after: due.filter((l) => !before.includes(l)) };
}

/** The failure in words: what exited how, what to do, and its last lines. */
function localProblem(local: LoopLocal, exit: LocalExit, tail: readonly string[]): Problem {
  const commandLine = shortCommand(local.command);
  const details = { details: [...tail] };
  if (exit.notFound) {
    return {
      stage: 'local',
      reason: 'local-command-not-found',
      message: `${local.command[0] ?? commandLine} was not found`,
      fix: `install it, or check local.${local.name}.command (it runs without a shell: use ['sh', '-c', '…'] for shell syntax)`,
      ...details,
    };
  }
  const how = exit.exitCode === undefined ? 'was killed' : `exited with code ${exit.exitCode}`;
  if (local.serve) {
    return {
      stage: 'local',
      reason: 'local-command-exited',
      message: `${commandLine} ${how} while devloop runs`,
      fix: 'see its log; it starts again when its deps change, or on t',
      ...details,
    };
  }
  return {
    stage: 'local',
    reason: 'local-command-failed',
    message: `${commandLine} ${how}`,
    fix: 'see its log; it runs again when its deps change, or on t',
    ...details,
  };
}

/** The command line in a message: a long script is cut, its start says which one it is. */
function shortCommand(command: readonly string[]): string {
  const line = command.join(' ');
  return line.length > 60 ? `${line.slice(0, 59)}…` : line;
}
