import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { CliContext } from '../../src/cli/cli-context.ts';
import { LoopSupervisor } from '../../src/cli/run-loop.ts';
import type { SessionError } from '../../src/cli/session.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import type { Action } from '../../src/engine/actions.ts';
import { LogStore } from '../../src/engine/log-store.ts';
import { Store } from '../../src/engine/store.ts';
import { ExecaRunner } from '../../src/system/execa-runner.ts';
import { NodeFileSystem } from '../../src/system/node-file-system.ts';
import { captureSink } from '../support/cli-harness.ts';
import type { E2eProject } from '../support/e2e-project.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
/** Where the fault suite writes what it measured (gitignored). */
export const outputDir = path.join(repoRoot, '.devloop-test-output');
export const recoveryFile = path.join(outputDir, 'fault-recovery-times.json');
/** The CLI as users run it (needs `npx tsc -p tsconfig.build.json`). */
export const devloopBin = path.join(repoRoot, 'bin/devloop.js');
export const testEnvScript = path.join(repoRoot, 'scripts/test-env');

/**
 * Records how long devloop took to recover from a fault: merged into
 * `.devloop-test-output/fault-recovery-times.json` (case → milliseconds) and
 * returned so the test can assert a bound on it.
 */
export function recordRecovery(name: string, ms: number): number {
  mkdirSync(outputDir, { recursive: true });
  let all: Record<string, { ms: number; at: string }> = {};
  try {
    all = JSON.parse(readFileSync(recoveryFile, 'utf8')) as typeof all;
  } catch {
    // first record
  }
  all[name] = { ms: Math.round(ms), at: new Date().toISOString() };
  writeFileSync(recoveryFile, `${JSON.stringify(all, null, 2)}\n`);
  return ms;
}

/** devloop running in-process on a project, with everything it reported. */
export interface RunningLoop {
  readonly store: Store;
  readonly logs: LogStore;
  readonly actions: Action[];
  readonly notices: string[];
  readonly failures: SessionError[];
  readonly supervisor: LoopSupervisor;
  readonly started: boolean;
  stop(): Promise<void>;
}

/** Starts `devloop up`'s loop in-process (watching) on `project`, as test/e2e/up.test.tsx does. */
export async function startLoop(project: E2eProject, options: { watch?: boolean } = {}): Promise<RunningLoop> {
  const store = new Store(Date.now());
  const logs = new LogStore();
  const actions: Action[] = [];
  const notices: string[] = [];
  const failures: SessionError[] = [];
  store.subscribe((a) => actions.push(a));
  const ctx: CliContext = {
    cwd: project.dir,
    env: project.env,
    stdout: captureSink(),
    stderr: captureSink(),
    color: false,
    runner: new ExecaRunner(),
    fs: new NodeFileSystem(),
    signal: new AbortController().signal,
  };
  const loaded = await loadConfig({ cwd: project.dir, env: project.env, flags: {}, fs: ctx.fs });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.error));
  const supervisor = new LoopSupervisor({
    ctx,
    globals: {},
    store,
    logs,
    watch: options.watch ?? true,
    output: {
      notice: (m) => notices.push(m),
      sessionFailed: (e) => failures.push(e),
      fault: (error) =>
        failures.push({ kind: 'failure', diagnostics: [{ severity: 'error', code: 'internal-error', message: String(error) }] }),
    },
  });
  const started = await supervisor.start(loaded.value);
  return { store, logs, actions, notices, failures, supervisor, started, stop: () => supervisor.stop() };
}

/** The image of the Deployment's first container, as the cluster has it. */
export function deployedImage(project: E2eProject, deployment = 'hello'): string {
  return project.kubectl([
    '-n',
    project.namespace,
    'get',
    'deployment',
    deployment,
    '-o',
    'jsonpath={.spec.template.spec.containers[0].image}',
  ]);
}

/** Names of the example app's pods that are not terminating (old ones take their grace period to go). */
export function podNames(project: E2eProject): string[] {
  const list = JSON.parse(project.kubectl(['-n', project.namespace, 'get', 'pods', '-l', 'app=hello', '-o', 'json'])) as {
    items: { metadata: { name: string; deletionTimestamp?: string } }[];
  };
  return list.items.filter((p) => !p.metadata.deletionTimestamp).map((p) => p.metadata.name);
}

/** Tags of a repository in the test registry. */
export async function registryTags(registryHost: string, repository: string): Promise<string[]> {
  const response = await fetch(`http://${registryHost}/v2/${repository}/tags/list`).catch(() => undefined);
  if (!response?.ok) return [];
  const body = (await response.json()) as { tags?: string[] | null };
  return body.tags ?? [];
}

/** Local Docker image references (`repo:tag`). */
export function dockerImages(): string[] {
  return execFileSync('docker', ['images', '--format', '{{.Repository}}:{{.Tag}}'], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

/** Waits (up to `timeoutMs`) until no benchmark process runs: they share the environment being restarted. */
export async function waitForBenchmarks(timeoutMs = 20 * 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      execFileSync('pgrep', ['-f', 'bench/'], { stdio: 'pipe' });
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 5000));
  }
  throw new Error('benchmarks still running after 20 minutes');
}
