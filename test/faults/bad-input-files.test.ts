import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { loadBuildContext } from '../../src/build/build-context-files.ts';
import { NodeFileSystem } from '../../src/system/node-file-system.ts';
import { ChokidarWatcher } from '../../src/watch/chokidar-watcher.ts';
import { createWatchFilter, watchRoots } from '../../src/watch/watch-filter.ts';
import { devloopBin } from './fault-support.ts';

/**
 * Bad files and paths on disk, through the built CLI: each ends with exit 2
 * (config/usage) or 1 (failed work), a first line naming the file and key or
 * path, and never a stack trace or a hang.
 */

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) {
    execFileSync('chmod', ['-R', 'u+rwX', d]);
    rmSync(d, { recursive: true, force: true });
  }
});

/** A project with one image `web` (context `app`) and one manifest, written as devloop.config.json. */
function project(config: Record<string, unknown> = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'devloop-badfiles-'));
  dirs.push(dir);
  const write = (file: string, content: string) => {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
  };
  write('app/Dockerfile', 'FROM busybox:1.36\nCOPY . /app\nUSER 1000\nCMD ["sh"]\n');
  write('app/.dockerignore', '.git\n');
  write('app/main.sh', 'echo hi\n');
  write('k8s/web.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\n');
  write('devloop.config.json', JSON.stringify({ images: { web: { context: 'app' } }, manifests: ['k8s/*.yaml'], ...config }));
  // A kubeconfig whose only context is loopback on a closed port: nothing is listening, nothing leaves the machine.
  write(
    'kubeconfig',
    'apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: "https://127.0.0.1:9"}\nusers:\n- name: u\n  user: {token: t}\ncontexts:\n- name: k3d-dev\n  context: {cluster: c, user: u}\ncurrent-context: k3d-dev\n',
  );
  return { dir, write };
}

/**
 * The CLI as users run it. `unprivileged` drops root's right to read any file,
 * so permission bits count (the tests run as root in CI).
 */
function devloop(cwd: string, args: string[], options: { unprivileged?: boolean } = {}) {
  const command = [process.execPath, devloopBin, ...args];
  const dropRoot = options.unprivileged && process.getuid?.() === 0;
  const [file, ...rest] = dropRoot
    ? ['setpriv', '--inh-caps=-all', '--bounding-set=-dac_override,-dac_read_search', ...command]
    : (command as [string, ...string[]]);
  return execa(file, rest, {
    cwd,
    env: { ...process.env, KUBECONFIG: path.join(cwd, 'kubeconfig'), XDG_CACHE_HOME: path.join(cwd, '.cache'), CI: 'true' },
    reject: false,
    timeout: 60_000,
  });
}

type Run = Awaited<ReturnType<typeof devloop>>;

/** Exit code, a first line (of stderr, or stdout) matching `first`, and no stack trace or internal error anywhere. */
function expectClean(r: Run, code: number, first: RegExp, stream: 'stdout' | 'stderr' = 'stderr'): void {
  const all = `${r.stdout}\n${r.stderr}`;
  expect(r.timedOut, 'devloop did not finish').toBe(false);
  expect(all).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  expect(all).not.toMatch(/internal error|EISDIR|ENOENT|EACCES/);
  expect(r[stream].trim().split('\n')[0]).toMatch(first);
  expect(r.exitCode).toBe(code);
}

describe('bad input files', () => {
  it('a manifests entry that matches a folder: exit 2 naming the config key', async () => {
    const p = project({ manifests: ['k8s/*.yaml', 'k8s'] });
    const r = await devloop(p.dir, ['ci', '--output', 'plain', '--timeout', '20s']);
    expectClean(r, 2, /devloop\.config\.json: manifests\[1\]: "k8s" is a folder, not a manifest file/);
  });

  it('a manifests entry with an absolute path outside the project is read from there', async () => {
    const elsewhere = mkdtempSync(path.join(tmpdir(), 'devloop-badfiles-out-'));
    dirs.push(elsewhere);
    writeFileSync(path.join(elsewhere, 'extra.yaml'), 'apiVersion: v1\nkind: ConfigMap\n');
    const p = project({ manifests: ['k8s/*.yaml', path.join(elsewhere, 'extra.yaml')] });
    const r = await devloop(p.dir, ['ci', '--output', 'plain', '--timeout', '20s']);
    // Read, not lost: the file's own mistake is what is reported.
    expectClean(r, 2, /extra\.yaml:1: document 1 has no metadata\.name/);
  });

  it('a FIFO among the manifests is named, never opened', async () => {
    const p = project();
    execFileSync('mkfifo', [path.join(p.dir, 'k8s/pipe.yaml')]);
    const r = await devloop(p.dir, ['ci', '--output', 'plain', '--timeout', '20s']);
    expectClean(r, 2, /manifests\[0\]: k8s\/pipe\.yaml is not a regular file/);
  });

  it('unreadable files and folders in a context: plan fails naming them, lint still answers', async () => {
    const p = project();
    p.write('app/secret.txt', 'x');
    p.write('app/locked/inner.txt', 'y');
    chmodSync(path.join(p.dir, 'app/secret.txt'), 0o000);
    chmodSync(path.join(p.dir, 'app/locked'), 0o000);
    const plan = await devloop(p.dir, ['plan'], { unprivileged: true });
    expectClean(plan, 1, /app\/locked: image "web": cannot read locked, secret\.txt in context .* \(permission denied\)/);
    const lint = await devloop(p.dir, ['lint'], { unprivileged: true });
    expect(lint.stderr).toBe('');
    expectClean(lint, 0, /no findings/, 'stdout');
  });

  it('an unreadable Dockerfile, ignore file or manifest: exit 2 naming the key and file', async () => {
    const p = project();
    p.write('app/Dockerfile.dockerignore', '.git\n');
    const cases: [string, string[], RegExp][] = [
      ['app/Dockerfile', ['plan'], /devloop\.config\.json: images\.web\.dockerfile: cannot read app\/Dockerfile \(permission denied\)/],
      ['app/Dockerfile', ['lint', '--context', 'app'], /^cannot read app\/Dockerfile \(permission denied\)$/],
      ['app/Dockerfile.dockerignore', ['lint'], /images\.web\.context: cannot read app\/Dockerfile\.dockerignore \(permission denied\)/],
      ['k8s/web.yaml', ['ci', '--output', 'plain', '--timeout', '20s'], /manifests\[0\]: cannot read k8s\/web\.yaml: permission denied/],
    ];
    for (const [file, args, first] of cases) {
      chmodSync(path.join(p.dir, file), 0o000);
      expectClean(await devloop(p.dir, args, { unprivileged: true }), 2, first);
      chmodSync(path.join(p.dir, file), 0o644);
    }
  });

  it('a FIFO, a device node and a link to a device in a context are skipped, never read (no hang)', async () => {
    const p = project();
    execFileSync('mkfifo', [path.join(p.dir, 'app/pipe')]);
    if (process.getuid?.() === 0) execFileSync('mknod', [path.join(p.dir, 'app/null'), 'c', '1', '3']);
    symlinkSync('/dev/zero', path.join(p.dir, 'app/zero'));
    const plan = await devloop(p.dir, ['plan']);
    expectClean(plan, 0, /^web: build \(no image for web:devloop-[0-9a-f]{12}/, 'stdout');
    const changed = await devloop(p.dir, ['plan', '--changed', 'main.sh']);
    expectClean(changed, 0, /web: rebuild from step 2\/4 COPY \. \/app \(main\.sh\)/, 'stdout');
    expectClean(await devloop(p.dir, ['lint']), 0, /no findings/, 'stdout');
  });

  it('a context that is a symlink is followed: same digest as the folder it leads to', async () => {
    const p = project({ images: { web: { context: 'current' } } });
    symlinkSync(path.join(p.dir, 'app'), path.join(p.dir, 'current'));
    const viaLink = await devloop(p.dir, ['plan', '--json']);
    expect(viaLink.stderr).toBe('');
    p.write('devloop.config.json', JSON.stringify({ images: { web: { context: 'app' } } }));
    const direct = await devloop(p.dir, ['plan', '--json']);
    const digest = (r: Run) => (JSON.parse(r.stdout) as { images: { digest: string }[] }).images[0]?.digest;
    expect(digest(viaLink)).toMatch(/^sha256:/);
    expect(digest(viaLink)).toBe(digest(direct));
  });

  it("a context reaching '/' is refused naming the key, unless the config allows it (and '/' never)", async () => {
    const p = project({ images: { web: { context: '../../../../../../..' } } });
    const r = await devloop(p.dir, ['plan']);
    expectClean(r, 2, /devloop\.config\.json: images\.web\.context: .* is \/, outside the project/);
    expect(r.stderr).toMatch(/images\.web\.allowOutsideProject: true/);
    const outside = mkdtempSync(path.join(tmpdir(), 'devloop-badfiles-out-'));
    dirs.push(outside);
    writeFileSync(path.join(outside, 'Dockerfile'), 'FROM busybox:1.36\nUSER 1000\nCMD ["sh"]\n');
    p.write('devloop.config.json', JSON.stringify({ images: { web: { context: path.relative(p.dir, outside) } } }));
    expectClean(await devloop(p.dir, ['plan']), 2, /images\.web\.context: .* outside the project/);
    p.write(
      'devloop.config.json',
      JSON.stringify({ images: { web: { context: path.relative(p.dir, outside), allowOutsideProject: true } } }),
    );
    const allowed = await devloop(p.dir, ['plan', '--changed', 'Dockerfile']);
    expect(allowed.exitCode).toBe(0);
    p.write('devloop.config.json', JSON.stringify({ images: { web: { context: '/', allowOutsideProject: 'yes' } } }));
    expectClean(await devloop(p.dir, ['plan']), 2, /images\.web\.allowOutsideProject: expected true or false/);
  });

  it('a binary file given as the Dockerfile: "not a Dockerfile" naming the file', async () => {
    const p = project();
    writeFileSync(path.join(p.dir, 'app/Dockerfile'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01, 0xff, 0xfe]));
    const plan = await devloop(p.dir, ['plan', '--changed', 'main.sh']);
    expectClean(plan, 1, /app\/Dockerfile: image "web": app\/Dockerfile is not a Dockerfile \(it is binary, not text\)/);
    expectClean(await devloop(p.dir, ['lint']), 2, /app\/Dockerfile: image "web": not a Dockerfile \(it is binary, not text\)/);
  });

  it('plan and lint --context on a missing folder both exit 2 with one line', async () => {
    const p = project();
    expectClean(await devloop(p.dir, ['plan', '--context', '/no/such/dir']), 2, /^--context \/no\/such\/dir: no such directory$/);
    expectClean(await devloop(p.dir, ['lint', '--context', '/no/such/dir']), 2, /^--context \/no\/such\/dir: no such directory$/);
  });

  it('a ..data file (Kubernetes-style name) is a change like any other', async () => {
    const p = project();
    p.write('app/..data', 'v1');
    const r = await devloop(p.dir, ['plan', '--changed', '..data']);
    expect(r.stdout).toMatch(/web: rebuild from step 2\/4 COPY \. \/app \(\.\.data\)/);
  });

  it('the watcher sees ..data and honours watch.ignore as gitignore (*.log at any depth)', async () => {
    const p = project();
    const fs = new NodeFileSystem();
    const app = path.join(p.dir, 'app');
    p.write('app/logs/.keep', '');
    const input = {
      rootDir: p.dir,
      contexts: [await loadBuildContext(fs, { dir: app, dockerfile: path.join(app, 'Dockerfile') })],
      configFiles: [path.join(p.dir, 'devloop.config.json')],
      manifests: ['k8s/*.yaml'],
      ignore: JSON.parse('["*.log"]') as string[],
    };
    // Files changed just before watching starts may be reported once more when the watcher's scan ends.
    await new Promise((r) => setTimeout(r, 100));
    const watcher = new ChokidarWatcher({ roots: watchRoots(input), filter: createWatchFilter(input), fs });
    const events: string[] = [];
    try {
      await watcher.start(
        (file) => events.push(path.relative(p.dir, file)),
        () => undefined,
      );
      p.write('app/logs/debug.log', 'noise');
      p.write('app/..data', 'config');
      p.write('app/main.sh', 'echo changed\n');
      const deadline = Date.now() + 5000;
      while (events.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      await watcher.close();
    }
    expect(events.sort()).toEqual(['app/..data', 'app/main.sh']);
  });

  it('the secrets warning and lint name the Dockerfile-specific ignore file when it replaces .dockerignore', async () => {
    const p = project();
    p.write('app/.env', 'TOKEN=1');
    p.write('app/.dockerignore', '.env\n');
    p.write('app/Dockerfile.dockerignore', '.git\n');
    const lint = await devloop(p.dir, ['lint']);
    expect(lint.stdout).toMatch(/app\/\.env: error secrets-in-context: \.env \(environment secrets\) is inside the build context/);
    expect(lint.stdout).toMatch(/hint: add \.env to app\/Dockerfile\.dockerignore/);
    expect(lint.exitCode).toBe(1);
    // The start-up warning of `ci` / `up` (printed before any build; delivery then fails here, with no k3d and no cluster).
    const ci = await devloop(p.dir, ['ci', '--output', 'plain', '--timeout', '20s']);
    expect(ci.stdout).toMatch(/warning secrets-in-context: app\/\.env \(environment secrets\) .* add it to app\/Dockerfile\.dockerignore/);
    p.write('app/Dockerfile.dockerignore', '.git\n.env\n');
    const clean = await devloop(p.dir, ['lint']);
    expect(clean.stdout).toBe('no findings');
    const quiet = await devloop(p.dir, ['ci', '--output', 'plain', '--timeout', '20s']);
    expect(quiet.stdout).not.toMatch(/secrets-in-context/);
    expect(readFileSync(path.join(p.dir, 'app/.dockerignore'), 'utf8')).toBe('.env\n');
  });
});
