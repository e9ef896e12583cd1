import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import * as path from 'node:path';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { devloopBin } from './fault-support.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const k3dRecorderDir = path.join(repoRoot, 'test/fixtures/onboard/bin');
const token = 'tok-REMOTE-SECRET-0123456789';

/** What a stand-in API server (or proxy) saw: every TCP connection, request and CONNECT. */
interface RecordingServer {
  readonly host: string;
  readonly port: number;
  readonly connections: number;
  readonly requests: readonly { method: string; url: string; authorization: string | undefined }[];
  reset(): void;
  close(): Promise<void>;
}

/**
 * A non-loopback address of this machine: the test environment's dummy
 * interface (devloop-node0, 10.87.0.1) when it exists, else the first
 * external IPv4 address of an interface here. Traffic to it never leaves the
 * machine, yet by address it is "not loopback", like a remote API server.
 */
function thisMachineAddress(): string {
  const all = Object.entries(networkInterfaces()).flatMap(([name, list]) => (list ?? []).map((a) => ({ name, ...a })));
  const ipv4 = all.filter((a) => a.family === 'IPv4' && !a.internal);
  const chosen = ipv4.find((a) => a.address === '10.87.0.1') ?? ipv4[0];
  if (!chosen) throw new Error('no non-loopback IPv4 address on this machine to stand in for a remote API server');
  return chosen.address;
}

/** An HTTP server on `host` that answers like an API server with nothing in it, and records everything. */
async function recordingServer(host: string): Promise<RecordingServer> {
  let connections = 0;
  const requests: { method: string; url: string; authorization: string | undefined }[] = [];
  const note = (req: IncomingMessage) =>
    requests.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization });
  const server = createServer((req, res) => {
    note(req);
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 }));
  });
  server.on('connection', () => {
    connections++;
  });
  server.on('connect', (req, socket) => {
    note(req);
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host,
    port,
    get connections() {
      return connections;
    },
    requests,
    reset: () => {
      connections = 0;
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A kubeconfig whose only context is `k3d-dev` with a bearer token. */
function kubeconfigText(cluster: { server: string; proxyUrl?: string }): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'current-context: k3d-dev',
    'clusters:',
    '- name: k3d-dev',
    '  cluster:',
    `    server: ${cluster.server}`,
    '    insecure-skip-tls-verify: true',
    ...(cluster.proxyUrl ? [`    proxy-url: ${cluster.proxyUrl}`] : []),
    'users:',
    '- name: admin@k3d-dev',
    '  user:',
    `    token: ${token}`,
    'contexts:',
    '- {name: k3d-dev, context: {cluster: k3d-dev, user: admin@k3d-dev}}',
    '',
  ].join('\n');
}

/** A copy of examples/hello aimed at kube context `k3d-dev`, with recording docker and k3d first on PATH. */
function project(kubeconfig: string, cluster: Record<string, unknown> = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'devloop-context-safety-'));
  cpSync(path.join(repoRoot, 'examples/hello'), path.join(dir, 'project'), { recursive: true });
  const root = path.join(dir, 'project');
  const config = {
    images: { 'hello-web': { context: 'app' } },
    manifests: ['k8s/*.yaml'],
    resources: { hello: { containers: { web: 'hello-web' } } },
    cluster: { context: 'k3d-dev', namespace: 'context-safety', delivery: 'auto', ...cluster },
  };
  writeFileSync(path.join(root, 'devloop.config.json'), `${JSON.stringify(config, null, 2)}\n`);
  writeFileSync(path.join(dir, 'kubeconfig'), kubeconfig);
  const bin = path.join(dir, 'bin');
  mkdirSync(bin);
  // Records every docker call, then hands it to the real docker (doctor asks for its version).
  const realDocker = (() => {
    try {
      return execFileSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' }).trim();
    } catch {
      return '';
    }
  })();
  writeFileSync(
    path.join(bin, 'docker'),
    `#!/bin/sh\nprintf '%s\\n' "$*" >> "${path.join(dir, 'docker.calls')}"\n${realDocker ? `exec "${realDocker}" "$@"` : 'exit 1'}\n`,
  );
  chmodSync(path.join(bin, 'docker'), 0o755);
  // devloop runs the buildx plugin directly when it finds one: the first place it looks records too.
  const plugins = path.join(dir, 'docker-config', 'cli-plugins');
  mkdirSync(plugins, { recursive: true });
  writeFileSync(
    path.join(plugins, 'docker-buildx'),
    `#!/bin/sh\n[ "$1" = docker-cli-plugin-metadata ] || printf 'buildx %s\\n' "$*" >> "${path.join(dir, 'docker.calls')}"\nexec /usr/local/lib/docker/cli-plugins/docker-buildx "$@"\n`,
  );
  chmodSync(path.join(plugins, 'docker-buildx'), 0o755);
  const calls = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);
  return {
    dir,
    root,
    env: {
      ...process.env,
      KUBECONFIG: path.join(dir, 'kubeconfig'),
      PATH: `${bin}:${k3dRecorderDir}:${process.env.PATH}`,
      DOCKER_CONFIG: path.join(dir, 'docker-config'),
      K3D_RECORD: path.join(dir, 'k3d.calls'),
      XDG_CACHE_HOME: path.join(dir, 'cache'),
      NO_COLOR: '1',
      CI: '1',
    },
    dockerCalls: () => calls(path.join(dir, 'docker.calls')),
    k3dCalls: () => calls(path.join(dir, 'k3d.calls')),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

type Project = ReturnType<typeof project>;

const devloop = (p: Project, args: string[]) =>
  execa(process.execPath, [devloopBin, ...args], { cwd: p.root, env: p.env, reject: false, timeout: 90_000, all: true });

const commands: [string, string[], number][] = [
  ['ci', ['ci', '--output', 'plain', '--timeout', '60s'], 2],
  ['ci --output json', ['ci', '--output', 'json', '--timeout', '60s'], 2],
  ['up', ['up', '--output', 'plain'], 2],
  ['down', ['down'], 2],
  // doctor reports a failed check (exit 1) and still must not call the server.
  ['doctor', ['doctor'], 1],
];

/** Nothing was built, pushed or imported, and the kube token never reached the output. */
function expectNothingDone(p: Project, output: string): void {
  expect(p.dockerCalls().filter((c) => /^(build|buildx (build|bake)|push|tag|image (push|tag)|save)\b/.test(c))).toEqual([]);
  expect(p.k3dCalls().filter((c) => c.startsWith('image'))).toEqual([]);
  expect(output).not.toContain(token);
}

/** The local-context rule: by server and proxy-url, never by name; before any request, for every command. */
describe('context safety', () => {
  let server: RecordingServer;
  let current: Project | undefined;
  beforeAll(async () => {
    if (!existsSync(devloopBin.replace(/bin\/devloop\.js$/, 'dist/cli/main.js')))
      throw new Error('build devloop first: tsc -p tsconfig.build.json');
    server = await recordingServer(thisMachineAddress());
  });
  afterAll(() => server?.close());
  afterEach(() => {
    current?.remove();
    current = undefined;
    server.reset();
  });

  it.each(commands)(
    'a context named k3d-dev whose API server is not loopback: `%s` refuses it, and the server hears nothing',
    async (_, args, code) => {
      current = project(kubeconfigText({ server: `http://${server.host}:${server.port}` }));
      const r = await devloop(current, args);
      expect(server.connections, JSON.stringify(server.requests)).toBe(0);
      expect(r.exitCode, r.all).toBe(code);
      expect(r.all).toMatch(args[0] === 'doctor' ? /✗ kube-context\s+k3d-dev/ : /refusing to use kube context \\?"k3d-dev\\?"/);
      expect(r.all).toContain(`API server ${server.host} is not a loopback address`);
      expect(r.all).toContain('allowContexts');
      expect(r.all).not.toMatch(/\(local\)/);
      expectNothingDone(current, r.all);
    },
  );

  it.each(commands)(
    'server 127.0.0.1 but proxy-url off the loopback: `%s` refuses it, and the proxy hears nothing',
    async (_, args, code) => {
      current = project(kubeconfigText({ server: 'https://127.0.0.1:6443', proxyUrl: `http://${server.host}:${server.port}` }));
      const r = await devloop(current, args);
      expect(server.connections, JSON.stringify(server.requests)).toBe(0);
      expect(r.exitCode, r.all).toBe(code);
      expect(r.all).toContain(`proxy-url ${server.host} is not a loopback address`);
      expectNothingDone(current, r.all);
    },
  );

  it('the same context listed in cluster.allowContexts is used: the stand-in does hear `down` (so silence above means refusal)', async () => {
    current = project(kubeconfigText({ server: `http://${server.host}:${server.port}` }), { allowContexts: ['k3d-dev'] });
    const r = await devloop(current, ['down']);
    expect(r.all).not.toContain('refusing to use kube context');
    expect(server.requests.length, r.all).toBeGreaterThan(0);
    expect(server.requests.every((q) => q.authorization === `Bearer ${token}`)).toBe(true);
    expect(r.all).not.toContain(token);
  });
});

/** Names from k3d-cluster.yaml reach k3d's command line only when k3d itself would accept them. */
describe('k3d flag injection', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['metadata:\n  name: --all\n', 'metadata.name'],
    ['metadata:\n  name: dev\nregistries:\n  create:\n    name: --all\n    hostPort: "5000"\n', 'registries.create.name'],
  ])('`devloop cluster delete` refuses a k3d-cluster.yaml naming "--all" and never runs k3d with it (%#)', async (yaml, keyPath) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'devloop-k3d-flags-'));
    dirs.push(dir);
    const root = path.join(dir, 'project');
    mkdirSync(root);
    writeFileSync(path.join(root, 'k3d-cluster.yaml'), yaml);
    const record = path.join(dir, 'k3d.calls');
    const r = await execa(process.execPath, [devloopBin, 'cluster', 'delete'], {
      cwd: root,
      env: { ...process.env, PATH: `${k3dRecorderDir}:${process.env.PATH}`, K3D_RECORD: record, HOME: dir, NO_COLOR: '1' },
      reject: false,
      timeout: 60_000,
      all: true,
    });
    expect(r.exitCode, r.all).toBe(2);
    expect(r.all).toContain(`k3d-cluster.yaml: ${keyPath}: "--all" is not a k3d`);
    const calls = existsSync(record) ? readFileSync(record, 'utf8') : '';
    expect(calls).not.toContain('--all');
    expect(calls).toBe('');
  });
});
