import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import * as path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { buildkitDocker } from '../support/buildkit-docker.ts';
import { e2eProject, eventually, fetchText } from '../support/e2e-project.ts';
import { describeWithCluster, describeWithDocker } from '../support/environment.ts';
import { deployedImage, devloopBin, startLoop } from './fault-support.ts';

/**
 * Secrets never reach the screen or the process list: build-arg values,
 * BuildKit secrets and credentials in a kubeconfig server URL. Every build
 * here is real (the test environment's dockerd), and while it runs every
 * process's command line is read from /proc, as `ps` would show it.
 */

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'devloop-secrets-'));
  dirs.push(dir);
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

function devloop(dir: string, args: readonly string[], env: Record<string, string | undefined> = {}) {
  return execa(process.execPath, [devloopBin, ...args], {
    cwd: dir,
    env: { ...process.env, XDG_CACHE_HOME: path.join(dir, '.cache-home'), NO_COLOR: '1', ...env },
    extendEnv: false,
    reject: false,
    timeout: 180_000,
    all: true,
  });
}

/**
 * Reads every process's command line every 25 ms while `work` runs: the
 * command lines that contain any of `values`, and those of docker builds seen
 * (so a test can tell "no leak" from "looked at nothing").
 */
async function watchCommandLines<T>(values: readonly string[], work: () => Promise<T>) {
  const leaks = new Set<string>();
  const builds = new Set<string>();
  const scan = () => {
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      let cmdline: string;
      try {
        cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      } catch {
        continue;
      }
      if (/\bdocker\b.* build\b/.test(cmdline)) builds.add(cmdline);
      if (values.some((v) => cmdline.includes(v))) leaks.add(cmdline);
    }
  };
  const timer = setInterval(scan, 25);
  try {
    const result = await work();
    return { result, leaks: [...leaks], builds: [...builds] };
  } finally {
    clearInterval(timer);
  }
}

const builtRef = (output: string, image: string) => new RegExp(`${image}: built (\\S+)`).exec(output)?.[1];

/** A directory to put first on PATH so that devloop's `docker` builds with BuildKit; none when the docker on PATH has buildx. */
function buildkitDockerDir(): string | undefined {
  const docker = buildkitDocker();
  if (docker.buildx) return undefined;
  const dir = mkdtempSync(path.join(tmpdir(), 'devloop-buildkit-cli-'));
  dirs.push(dir);
  symlinkSync(docker.cli, path.join(dir, 'docker'));
  return dir;
}

describe('secrets in the configuration', () => {
  it('`devloop config` and `config --json` never show a secret build-arg value', async () => {
    const token = `npm-${randomUUID()}`;
    const dir = project({
      'devloop.config.json': JSON.stringify({
        images: { app: { context: 'app', buildArgs: { NPM_TOKEN: token, DB_PASSWORD: 'hunter2-db', VERSION: '1.2.3' } } },
      }),
      'app/Dockerfile': 'FROM busybox:1.36\n',
    });
    for (const args of [['config'], ['config', '--json']]) {
      const r = await devloop(dir, args);
      expect(r.exitCode, r.all).toBe(0);
      expect(r.all).toContain('1.2.3');
      expect(r.all).toContain('***');
      expect(r.all).not.toContain(token);
      expect(r.all).not.toContain('hunter2-db');
    }
  });
});

describeWithDocker('secrets in real builds', () => {
  const repo = `devloop-fault-secrets-${randomUUID().slice(0, 8)}`;
  afterAll(() => {
    const ids = execFileSync('docker', ['image', 'ls', '-q', '--filter', `reference=${repo}*`], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
    if (ids.length > 0) execFileSync('docker', ['image', 'rm', '-f', ...new Set(ids)], { stdio: 'pipe' });
  });

  it('a build arg reaches the build, but never docker’s command line or devloop’s output', async () => {
    const token = `npm-${randomUUID()}`;
    const dir = project({
      'devloop.config.json': JSON.stringify({
        images: { args: { context: 'app', repository: `${repo}-args`, buildArgs: { NPM_TOKEN: token, VERSION: '1.2.3' } } },
      }),
      'app/Dockerfile':
        'FROM busybox:1.36\nARG NPM_TOKEN\nARG VERSION\nRUN echo "token is $NPM_TOKEN, version $VERSION" && echo -n "$NPM_TOKEN" > /arg && sleep 1\n',
    });
    const { result: r, leaks, builds } = await watchCommandLines([token], () => devloop(dir, ['build']));
    expect(r.exitCode, r.all).toBe(0);
    expect(builds.length, 'a docker build was seen running').toBeGreaterThan(0);
    expect(leaks).toEqual([]);
    expect(r.all).toContain('token is ***, version 1.2.3');
    expect(r.all).not.toContain(token);
    const ref = builtRef(r.all, 'args');
    expect(ref, r.all).toBeDefined();
    expect(execFileSync('docker', ['run', '--rm', ref ?? '', 'cat', '/arg'], { encoding: 'utf8' })).toBe(token);

    const lint = await devloop(dir, ['lint']);
    expect(lint.exitCode).toBe(1);
    expect(lint.all).toMatch(/app\/Dockerfile:2: warning secret-build-arg: ARG NPM_TOKEN looks like a secret/);
    expect(lint.all).toMatch(/devloop\.config\.json:1: warning secret-build-arg: build arg NPM_TOKEN/);
    expect(lint.all).not.toContain(token);
  });

  it('BuildKit secrets from a variable and a file reach the build, never argv or output, and count in the digest as a hash', async () => {
    const fromEnv = `tok-${randomUUID()}`;
    const fromFile = `cfg-${randomUUID()}`;
    const dir = project({
      'devloop.config.json': JSON.stringify({
        images: {
          sec: { context: 'app', repository: `${repo}-sec`, secrets: { tok: { env: 'DEVLOOP_TEST_TOK' }, cfg: { file: 'secret.txt' } } },
        },
      }),
      'secret.txt': fromFile,
      'app/Dockerfile': `FROM busybox:1.36\nRUN --mount=type=secret,id=tok --mount=type=secret,id=cfg cat /run/secrets/tok /run/secrets/cfg > /out && sleep 1 # ${repo}\n`,
    });
    const cli = buildkitDockerDir();
    const env = { DEVLOOP_TEST_TOK: fromEnv, ...(cli ? { PATH: `${cli}:${process.env.PATH}` } : {}) };

    const missing = await devloop(dir, ['build'], { ...env, DEVLOOP_TEST_TOK: undefined });
    expect(missing.exitCode).toBe(1);
    expect(missing.all).toContain('images.sec.secrets.tok.env: environment variable DEVLOOP_TEST_TOK is not set');

    const { result: r, leaks, builds } = await watchCommandLines([fromEnv, fromFile], () => devloop(dir, ['build'], env));
    expect(r.exitCode, r.all).toBe(0);
    expect(builds.length, 'a docker build was seen running').toBeGreaterThan(0);
    expect(builds.some((b) => b.includes('--secret id=tok,env=DEVLOOP_TEST_TOK'))).toBe(true);
    expect(leaks).toEqual([]);
    expect(r.all).not.toContain(fromEnv);
    expect(r.all).not.toContain(fromFile);
    const ref = builtRef(r.all, 'sec');
    expect(ref, r.all).toBeDefined();
    expect(execFileSync('docker', ['run', '--rm', ref ?? '', 'cat', '/out'], { encoding: 'utf8' })).toBe(`${fromEnv}${fromFile}`);

    const digest = async (extra: Record<string, string> = {}) => {
      const plan = await devloop(dir, ['plan', '--json'], { ...env, ...extra });
      expect(plan.exitCode, plan.all).toBe(0);
      expect(plan.stdout).not.toContain(fromEnv);
      return (JSON.parse(plan.stdout) as { images: { digest: string }[] }).images[0]?.digest;
    };
    const first = await digest();
    expect(`${ref}`).toContain(first?.replace('sha256:', '').slice(0, 12));
    expect(await digest()).toBe(first);
    const otherEnv = await digest({ DEVLOOP_TEST_TOK: `${fromEnv}-rotated` });
    expect(otherEnv).not.toBe(first);
    writeFileSync(path.join(dir, 'secret.txt'), `${fromFile}-rotated`);
    expect(await digest()).not.toBe(first);
    expect(await digest()).not.toBe(otherEnv);
  });
});

describe('credentials in a kubeconfig server URL', () => {
  const password = `pw-${randomUUID()}`;
  // A non-loopback address of this machine: nothing leaves it, and nothing listens on port 1.
  const ownAddress =
    Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal)?.address ?? '127.0.0.2';
  const kubeconfig = (dir: string) => {
    const file = path.join(dir, 'kubeconfig');
    writeFileSync(
      file,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        `- {name: here, cluster: {server: "https://admin:${password}@127.0.0.1:1", insecure-skip-tls-verify: true}}`,
        `- {name: there, cluster: {server: "https://admin:${password}@${ownAddress}:1", insecure-skip-tls-verify: true}}`,
        'users:',
        '- {name: u, user: {}}',
        'contexts:',
        '- {name: k3d-creds, context: {cluster: here, user: u}}',
        '- {name: remote-creds, context: {cluster: there, user: u}}',
        'current-context: k3d-creds',
        '',
      ].join('\n'),
    );
    return file;
  };

  it('is masked by doctor, plain and JSON, local or not', async () => {
    const dir = project({});
    const env = { KUBECONFIG: kubeconfig(dir) };
    for (const args of [['doctor'], ['doctor', '--json'], ['doctor', '--context', 'remote-creds']]) {
      const r = await devloop(dir, args, env);
      expect(r.all).toContain('https://***@');
      expect(r.all).not.toContain(password);
    }
  });

  it('is masked in the delivery error that refuses a non-local context', async () => {
    const dir = project({
      'devloop.config.json': JSON.stringify({
        images: { app: { context: 'app' } },
        manifests: ['k8s/*.yaml'],
        cluster: { context: 'remote-creds' },
      }),
      'app/Dockerfile': 'FROM busybox:1.36\n',
      'k8s/app.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\n',
    });
    const env = { KUBECONFIG: kubeconfig(dir) };
    for (const output of ['plain', 'json']) {
      const r = await devloop(dir, ['ci', '--output', output, '--timeout', '30s'], env);
      expect(r.exitCode, r.all).not.toBe(0);
      expect(r.all).toMatch(/not a local cluster/);
      expect(r.all).not.toContain(password);
    }
  });
});

describeWithCluster('secrets while devloop up runs', (env) => {
  it('an edited secret file makes a new image that rolls out, and its content never reaches an action', async () => {
    const first = `first-${randomUUID()}`;
    const second = `second-${randomUUID()}`;
    const p = e2eProject(env, {
      config: { images: { 'hello-web': { context: 'app', secrets: { greeting: { file: 'greeting.secret' } } } } },
    });
    const cli = buildkitDockerDir();
    const path0 = process.env.PATH;
    // The in-process loop starts docker with this process's environment.
    if (cli) process.env.PATH = `${cli}:${path0}`;
    let loop: Awaited<ReturnType<typeof startLoop>> | undefined;
    try {
      p.write('greeting.secret', first);
      const dockerfile = readFileSync(path.join(p.dir, 'app/Dockerfile'), 'utf8');
      // Served, so the test can see which secret the running pod was built with.
      p.write(
        'app/Dockerfile',
        dockerfile.replace(
          'COPY site/ /srv/\n',
          `COPY site/ /srv/\nRUN --mount=type=secret,id=greeting cat /run/secrets/greeting > /srv/greeting.txt # step-${randomUUID()}\n`,
        ),
      );
      loop = await startLoop(p);
      expect(loop.failures).toEqual([]);
      const url = `http://127.0.0.1:${p.port}/greeting.txt`;
      await eventually('the first secret served', async () => ((await fetchText(url)) === first ? true : undefined), 90_000);
      const before = deployedImage(p);
      p.write('greeting.secret', second);
      // A new digest, so a new tag rolls out. Docker's layer cache does not look at a secret's content, so the
      // step that mounts it may come from the cache: what the pod serves is not asserted.
      await eventually('a new image for the edited secret', () => (deployedImage(p) !== before ? true : undefined), 90_000);
      await eventually('ready again', () => (loop?.store.getState().resources.hello?.phase === 'ready' ? true : undefined), 60_000);
      const reported = JSON.stringify([loop.actions, loop.notices]);
      expect(reported).not.toContain(first);
      expect(reported).not.toContain(second);
    } finally {
      await loop?.stop();
      process.env.PATH = path0;
      p.remove();
    }
  });
});
