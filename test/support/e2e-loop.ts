import { LoopSupervisor } from '../../src/cli/run-loop.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import type { Action } from '../../src/engine/actions.ts';
import { LogStore } from '../../src/engine/log-store.ts';
import { Store } from '../../src/engine/store.ts';
import { JsonReporter } from '../../src/report/reporters/json-reporter.ts';
import { ExecaRunner } from '../../src/system/execa-runner.ts';
import { NodeFileSystem } from '../../src/system/node-file-system.ts';
import { captureSink } from './cli-harness.ts';
import type { E2eProject } from './e2e-project.ts';

/** `devloop up` in this process on an e2e project: its store, every action, and the `--output json` lines. */
export interface E2eLoop {
  readonly store: Store;
  readonly logs: LogStore;
  readonly actions: Action[];
  /** Everything the JSON reporter wrote. */
  jsonText(): string;
  /** Resolves when no iteration is running. */
  idle(): Promise<void>;
  /** The JSON reporter's events so far, parsed. */
  events(): Record<string, unknown>[];
  /** The trigger key on a resource. */
  trigger(resource: string): void;
  stop(): Promise<void>;
}

/** Starts the loop (watching) and resolves after the first pass; throws when the session cannot open. */
export async function startE2eLoop(project: E2eProject): Promise<E2eLoop> {
  const store = new Store(Date.now());
  const logs = new LogStore();
  const json = captureSink();
  const actions: Action[] = [];
  store.subscribe((action) => actions.push(action));
  new JsonReporter({ store, logs, sink: json });
  const fs = new NodeFileSystem();
  const ctx = {
    cwd: project.dir,
    env: project.env,
    stdout: json,
    stderr: captureSink(),
    color: false,
    runner: new ExecaRunner(),
    fs,
    signal: new AbortController().signal,
  };
  const loaded = await loadConfig({ cwd: project.dir, env: project.env, flags: {}, fs });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.error));
  const failures: string[] = [];
  const supervisor = new LoopSupervisor({
    ctx,
    globals: {},
    store,
    logs,
    watch: true,
    output: {
      notice: () => undefined,
      sessionFailed: (e) => failures.push(JSON.stringify(e.diagnostics)),
      fault: (error) => failures.push(`internal error: ${String(error)}`),
    },
  });
  const started = await supervisor.start(loaded.value);
  if (!started || failures.length > 0) throw new Error(`devloop up did not start: ${failures.join('; ')}`);
  return {
    store,
    logs,
    actions,
    jsonText: () => json.text(),
    idle: () => supervisor.idle(),
    events: () =>
      json
        .text()
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    trigger: (resource) => supervisor.trigger(resource),
    stop: () => supervisor.stop(),
  };
}
