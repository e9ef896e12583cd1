import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { TestEnvironment } from './environment.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');

/** A copy of examples/hello wired to the test cluster in a namespace of its own. */
export interface E2eProject {
  readonly dir: string;
  readonly namespace: string;
  readonly port: number;
  /** Environment for devloop: kubeconfig, and the environment's k3d first on PATH. */
  readonly env: Record<string, string | undefined>;
  kubectl(args: readonly string[]): string;
  write(file: string, content: string): void;
  remove(): void;
}

/** Copies the example app into a temporary project whose config targets the test environment. */
export function e2eProject(
  env: TestEnvironment,
  options: { delivery?: 'auto' | 'registry' | 'import'; config?: Record<string, unknown> } = {},
): E2eProject {
  const dir = mkdtempSync(path.join(tmpdir(), 'devloop-e2e-'));
  cpSync(path.join(repoRoot, 'examples/hello'), dir, { recursive: true });
  const namespace = `e2e-${Math.random().toString(36).slice(2, 8)}`;
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const config = {
    images: { 'hello-web': { context: 'app' } },
    manifests: ['k8s/*.yaml'],
    resources: { hello: { containers: { web: 'hello-web' }, portForwards: [`${port}:8080`] } },
    cluster: { context: env.context, namespace, delivery: options.delivery ?? 'auto' },
    watch: { debounceMs: 50 },
    ...options.config,
  };
  writeFileSync(path.join(dir, 'devloop.config.json'), `${JSON.stringify(config, null, 2)}\n`);
  const processEnv = devloopEnvironment(env, dir);
  const kubectl = kubectlOn(env);
  kubectl(['create', 'namespace', namespace]);
  return {
    dir,
    namespace,
    port,
    env: processEnv,
    kubectl,
    write: (file, content) => writeFileSync(path.join(dir, file), content),
    remove: () => {
      try {
        kubectl(['delete', 'namespace', namespace, '--wait=false']);
      } catch {
        // already gone
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The environment devloop runs with in a project at `dir`: the test kubeconfig, the environment's k3d first on PATH, a cache of its own. */
export function devloopEnvironment(env: TestEnvironment, dir: string): Record<string, string | undefined> {
  return {
    ...process.env,
    KUBECONFIG: env.kubeconfig,
    PATH: env.k3dBinDir ? `${env.k3dBinDir}:${process.env.PATH}` : process.env.PATH,
    XDG_CACHE_HOME: path.join(dir, '.cache-home'),
    NO_COLOR: '1',
  };
}

/** `kubectl` on the test cluster, returning its output. */
export function kubectlOn(env: TestEnvironment): (args: readonly string[]) => string {
  return (args) =>
    execFileSync('kubectl', ['--context', env.context, ...args], {
      env: { ...process.env, KUBECONFIG: env.kubeconfig },
      encoding: 'utf8',
      stdio: 'pipe',
    });
}

/** Polls `check` until it returns a value, or fails after `timeoutMs` with `what`. */
export async function eventually<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
}

/** GET a URL's body, or undefined when nothing answers yet. */
export async function fetchText(url: string): Promise<string | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
    return response.ok ? await response.text() : undefined;
  } catch {
    return undefined;
  }
}
