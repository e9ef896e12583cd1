import { accessSync, constants, mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import * as path from 'node:path';
import { succeeded } from '../../src/system/process-runner.ts';
import { DevloopProcess, type JsonEvent } from './devloop-process.ts';
import type { BenchProject } from './project.ts';
import { benchRunner, repoRoot, type TestEnvironment } from './test-env.ts';

/** A project copy one tool runs on, with the local port its forward serves the page on. */
export interface PeerProject {
  readonly project: BenchProject;
  readonly port: number;
  /** Tilt's own HTTP/API server port (unused by devloop). */
  readonly apiPort: number;
}

/**
 * One of the tools the peer benchmark compares: how it is configured for a
 * copy of examples/hello, started (`up`), and how what it deployed is removed.
 */
export interface PeerTool {
  readonly name: string;
  /** Writes the tool's configuration into the copy (the same image, manifests and forward for every tool). */
  configure(peer: PeerProject, env: TestEnvironment): void;
  /** Starts the tool's watch loop as a child process. */
  start(peer: PeerProject, env: TestEnvironment): DevloopProcess;
  /** Deletes what the tool deployed for this copy (`devloop down`, `tilt down`). */
  down(peer: PeerProject, env: TestEnvironment): Promise<void>;
  /** The build and delivery (push) step of one update as the tool itself reports them, from its output since the edit (ms). */
  steps(output: readonly JsonEvent[]): StepTimes;
  /** Which builder the tool's build output shows (BuildKit's `#N …` / `[k/n]` lines or the classic `Step k/n :`). */
  builder(output: readonly JsonEvent[]): string;
}

/** `BuildKit` or `classic builder` from the lines of a build, `unknown` without any. */
function builderOf(lines: readonly string[], buildkit: RegExp): string {
  if (lines.some((l) => buildkit.test(l))) return 'BuildKit';
  return lines.some((l) => /Step \d+\/\d+ :/.test(l)) ? 'classic builder' : 'unknown';
}

/** Time in the build step and in delivery (push or import) of one update; undefined when the tool did not say. */
export interface StepTimes {
  readonly build: number | undefined;
  readonly delivery: number | undefined;
}

/** The devloop config every peer copy gets, forwarding `port` to the page. */
function devloopConfig(peer: PeerProject, env: TestEnvironment): Record<string, unknown> {
  return {
    images: { 'hello-web': { context: 'app' } },
    manifests: ['k8s/*.yaml'],
    resources: { hello: { containers: { web: 'hello-web' }, portForwards: [`${peer.port}:8080`] } },
    cluster: { context: env.context, namespace: peer.project.namespace, delivery: 'auto' },
  };
}

/** devloop from this checkout's `dist/` (`node bin/devloop.js up`), reporting in JSON. */
export const devloopPeer: PeerTool = {
  name: 'devloop',
  configure(peer, env) {
    peer.project.write('devloop.config.json', `${JSON.stringify(devloopConfig(peer, env), null, 2)}\n`);
  },
  start(peer) {
    return new DevloopProcess({ args: ['up', '--output', 'json'], cwd: peer.project.dir, env: peer.project.env });
  },
  async down(peer) {
    const down = new DevloopProcess({ args: ['down'], cwd: peer.project.dir, env: peer.project.env });
    const code = await down.exited();
    if (code !== 0) throw new Error(`devloop down exited ${code}: ${down.tail()}`);
  },
  steps(output) {
    const span = (from: string, to: string) => {
      const start = output.find((e) => e.event === from)?.at;
      const end = output.find((e) => e.event === to)?.at;
      return start !== undefined && end !== undefined ? end - start : undefined;
    };
    return { build: span('build-started', 'build-completed'), delivery: span('delivery-started', 'delivery-completed') };
  },
  builder(output) {
    return builderOf(
      output.filter((e) => e.event === 'build-output').map((e) => String(e.line)),
      /^#\d+ /,
    );
  },
};

/** Tilt's summary of an update: `Step 1 - 0.68s (Building Dockerfile: [hello-web])`, `Step 2 - 0.23s (Pushing …)`. */
const tiltStep = /Step \d+ - ([\d.]+)s \((Building|Pushing)/;

/**
 * The Tiltfile equivalent of `devloopConfig`: the same image name, build
 * context and Dockerfile, the same manifests, the same forward, and the
 * registry k3d's `local-registry-hosting` names (pushed by the host name,
 * pulled by the cluster's name). Namespace and context come from the command line.
 */
export function tiltfile(peer: PeerProject, env: TestEnvironment): string {
  return [
    '# The same app, image, manifests and port forward as devloop.config.json.',
    'version_settings(check_updates=False)',
    'analytics_settings(False)',
    `allow_k8s_contexts('${env.context}')`,
    `default_registry('${env.registryHost}', host_from_cluster='${env.registryFromCluster}')`,
    "docker_build('hello-web', 'app')",
    "k8s_yaml('k8s/hello.yaml')",
    `k8s_resource('hello', port_forwards='${peer.port}:8080')`,
    '',
  ].join('\n');
}

/** Tilt at `bin` (`tilt up --stream`, headless), its state kept inside the copy. */
export function tiltPeer(bin: string): PeerTool {
  const common = (peer: PeerProject, env: TestEnvironment) => ['--context', env.context, '--namespace', peer.project.namespace];
  const tiltEnv = (peer: PeerProject) => {
    const home = path.join(peer.project.dir, '.tilt-state');
    return {
      ...peer.project.env,
      TILT_DEV_DIR: path.join(home, 'tilt-dev'),
      XDG_CONFIG_HOME: path.join(home, 'config'),
      XDG_DATA_HOME: path.join(home, 'data'),
      XDG_STATE_HOME: path.join(home, 'state'),
      TILT_DISABLE_ANALYTICS: '1',
    };
  };
  return {
    name: 'tilt',
    configure(peer, env) {
      mkdirSync(path.join(peer.project.dir, '.tilt-state'), { recursive: true });
      writeFileSync(path.join(peer.project.dir, 'Tiltfile'), tiltfile(peer, env));
    },
    start(peer, env) {
      return new DevloopProcess({
        executable: bin,
        args: ['up', '--stream', '--host', '127.0.0.1', '--port', String(peer.apiPort), ...common(peer, env)],
        cwd: peer.project.dir,
        env: tiltEnv(peer),
      });
    },
    async down(peer, env) {
      const result = await benchRunner.run(bin, ['down', ...common(peer, env)], {
        cwd: peer.project.dir,
        env: tiltEnv(peer),
        timeoutMs: 120_000,
      });
      if (!succeeded(result)) throw new Error(`tilt down failed: ${`${result.stdout}${result.stderr}`.trim().slice(-500)}`);
    },
    steps(output) {
      const step = (kind: string) => {
        for (const e of output) {
          const match = e.event === 'unparsed' ? tiltStep.exec(String(e.text)) : null;
          if (match?.[2] === kind) return Number(match[1]) * 1000;
        }
        return undefined;
      };
      return { build: step('Building'), delivery: step('Pushing') };
    },
    builder(output) {
      return builderOf(
        output.filter((e) => e.event === 'unparsed').map((e) => String(e.text)),
        /│\s+\[\d+\/\d+\] /,
      );
    },
  };
}

/**
 * Why the peer benchmark cannot run here, or undefined when it can: it needs
 * `TILT_BIN` naming an executable Tilt (scripts/build-tilt builds one), and it
 * never runs in CI.
 */
export function peerSkipReason(environment: NodeJS.ProcessEnv = process.env): string | undefined {
  if (environment.CI) return 'CI is set, and the peer benchmark never runs in CI';
  const bin = environment.TILT_BIN;
  const build = `(build Tilt v0.37.6 with \`bash ${path.relative(process.cwd(), path.join(repoRoot, 'scripts/build-tilt'))}\`)`;
  if (!bin) return `TILT_BIN is not set ${build}`;
  try {
    accessSync(bin, constants.X_OK);
  } catch {
    return `TILT_BIN=${bin} is not an executable file ${build}`;
  }
  return undefined;
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** GET http://127.0.0.1:port/ on a fresh connection; the body when it answered 200, else undefined. */
function fetchPage(port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent: false, headers: { connection: 'close' }, timeout: 2000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve(res.statusCode === 200 ? body : undefined));
      res.on('error', () => resolve(undefined));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

/**
 * Polls the forwarded page every `intervalMs` on a new connection until it
 * contains `marker`; resolves with the time the matching answer arrived
 * (epoch ms). Fails when the tool exits or after `timeoutMs`.
 */
export async function waitForPage(
  port: number,
  marker: string,
  tool: DevloopProcess,
  options: { timeoutMs: number; intervalMs?: number },
): Promise<number> {
  const deadline = Date.now() + options.timeoutMs;
  let last: string | undefined;
  for (;;) {
    const body = await fetchPage(port);
    if (body?.includes(marker)) return Date.now();
    if (body !== undefined) last = body.trim().slice(0, 120);
    if (!Number.isNaN(tool.exitedAt))
      throw new Error(`the tool exited (code ${await tool.exited()}) before serving the page: ${tool.tail()}`);
    if (Date.now() > deadline) {
      throw new Error(
        `port ${port} did not serve "${marker}" within ${options.timeoutMs / 1000} s (last answer: ${last ?? 'none'}); tool output: ${tool.tail(400)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 50));
  }
}
