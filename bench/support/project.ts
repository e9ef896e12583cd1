import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { kubectl, repoRoot, type TestEnvironment } from './test-env.ts';

/** A copy of examples/hello targeting the test cluster, in a namespace of its own. */
export interface BenchProject {
  readonly dir: string;
  readonly namespace: string;
  /** Variables devloop runs with: kubeconfig, the environment's k3d on PATH, a private cache. */
  readonly env: Record<string, string | undefined>;
  write(file: string, content: string): void;
  read(file: string): string;
  remove(): Promise<void>;
}

/** Options of a bench project. */
export interface BenchProjectOptions {
  /** Short name, part of the namespace. */
  readonly name: string;
  readonly delivery?: 'auto' | 'registry' | 'import';
  /** Extra files (relative to the project) written before devloop starts. */
  readonly files?: Readonly<Record<string, string>>;
  /** Extra top-level config keys (e.g. `watch`). */
  readonly config?: Readonly<Record<string, unknown>>;
}

/**
 * Copies the example app into a temporary directory whose devloop.config.json
 * targets the test environment, and creates its namespace. No port forward:
 * the figures are about the loop, not about a local port.
 */
export async function createProject(env: TestEnvironment, options: BenchProjectOptions): Promise<BenchProject> {
  const dir = mkdtempSync(path.join(tmpdir(), `devloop-bench-${options.name}-`));
  cpSync(path.join(repoRoot, 'examples/hello'), dir, { recursive: true });
  const namespace = `bench-${options.name}-${Date.now().toString(36)}`;
  const config = {
    images: { 'hello-web': { context: 'app' } },
    manifests: ['k8s/*.yaml'],
    resources: { hello: { containers: { web: 'hello-web' } } },
    cluster: { context: env.context, namespace, delivery: options.delivery ?? 'auto' },
    ...options.config,
  };
  writeFileSync(path.join(dir, 'devloop.config.json'), `${JSON.stringify(config, null, 2)}\n`);
  const write = (file: string, content: string): void => {
    const full = path.join(dir, file);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, content);
  };
  for (const [file, content] of Object.entries(options.files ?? {})) write(file, content);
  await kubectl(env, ['create', 'namespace', namespace]);
  return {
    dir,
    namespace,
    env: {
      ...process.env,
      KUBECONFIG: env.kubeconfig,
      XDG_CACHE_HOME: path.join(dir, '.cache-home'),
      NO_COLOR: '1',
    },
    write,
    read: (file) => readFileSync(path.join(dir, file), 'utf8'),
    remove: async () => {
      await kubectl(env, ['delete', 'namespace', namespace, '--wait=false'], { allowFailure: true });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The ready, not terminating pods of `app=hello` in the namespace, with their image tags. */
export async function runningPods(env: TestEnvironment, namespace: string): Promise<{ name: string; tag: string }[]> {
  const out = await kubectl(env, ['-n', namespace, 'get', 'pods', '-l', 'app=hello', '-o', 'json']);
  const pods = JSON.parse(out) as {
    items: {
      metadata: { name: string; deletionTimestamp?: string };
      spec: { containers: { image: string }[] };
      status: { conditions?: { type: string; status: string }[] };
    }[];
  };
  return pods.items
    .filter((p) => !p.metadata.deletionTimestamp && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
    .map((p) => {
      const image = p.spec.containers[0]?.image ?? '';
      return { name: p.metadata.name, tag: image.slice(image.lastIndexOf(':') + 1) };
    });
}
