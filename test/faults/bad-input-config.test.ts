import { existsSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { type E2eProject, e2eProject, eventually } from '../support/e2e-project.ts';
import { describeWithCluster } from '../support/environment.ts';
import { type TempProject, tempProject } from '../support/temp-project.ts';
import { devloopBin } from './fault-support.ts';

/**
 * A config is code: it can hang, throw, contain itself or export nothing.
 * Each ends devloop cleanly — one line naming the file and key, exit 2 — and
 * Ctrl-C / SIGTERM work while it loads. Runs the built CLI (`npx tsc -p tsconfig.build.json`).
 */
describe('a devloop config that misbehaves', () => {
  let project: TempProject | undefined;
  let child: ResultPromise | undefined;
  afterEach(() => {
    child?.kill('SIGKILL');
    child = undefined;
    project?.remove();
  });

  /** `devloop up` in `sub/` of a project whose root has a valid config of its own. */
  const nested = (files: Record<string, string>) => {
    project = tempProject({
      'package.json': '{"name":"app"}',
      'devloop.config.json': '{"images":{"root":{"context":"."}}}',
      Dockerfile: 'FROM busybox:1.36\n',
      ...Object.fromEntries(Object.entries(files).map(([file, text]) => [`sub/${file}`, text])),
    });
    return path.join(project.dir, 'sub');
  };
  const up = (cwd: string, env: Record<string, string> = {}) =>
    execa(process.execPath, [devloopBin, 'up', '--output', 'plain'], {
      cwd,
      env: { ...env, NO_COLOR: '1' },
      reject: false,
      timeout: 60_000,
    });

  /** Exit 2 and exactly one error line (plus its hint) saying `message`; no stack trace. */
  const expectOneLine = (result: { exitCode?: number; stderr: unknown; stdout: unknown }, message: RegExp) => {
    const stderr = String(result.stderr);
    expect(result.exitCode, stderr).toBe(2);
    const lines = stderr.split('\n').filter((l) => l && !l.startsWith('  hint: '));
    expect(lines, stderr).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(stderr).not.toMatch(/^\s+at |internal error/m);
    expect(String(result.stdout)).toBe('');
  };

  it('a getter that throws: the file and key, exit 2', async () => {
    const cwd = nested({ 'devloop.config.ts': "export default { images: { get api() { throw new Error('API_DIR is not set'); } } };\n" });
    expectOneLine(await up(cwd), /^error: devloop\.config\.ts: images\.api: reading it threw: API_DIR is not set$/);
  });

  it('a cyclic object: where the cycle closes, exit 2', async () => {
    const cwd = nested({
      'devloop.config.ts':
        "const config: Record<string, any> = { images: { api: { context: '.' } } };\nconfig.images.api.parent = config;\nexport default config;\n",
    });
    expectOneLine(await up(cwd), /^error: devloop\.config\.ts: images\.api\.parent: refers back to the whole configuration \(a cycle\)/);
  });

  it('`export default null`: that file is wrong, the parent folder’s config is not used instead', async () => {
    const cwd = nested({ 'devloop.config.ts': 'export default null;\n' });
    expectOneLine(await up(cwd), /^error: devloop\.config\.ts: must export a configuration object, got null$/);
  });

  it('a `__proto__` key (JSON and YAML create one): the key path, exit 2', async () => {
    const json = nested({ 'devloop.config.json': '{"images": {"api": {"context": ".", "buildArgs": {"__proto__": {"x": "1"}}}}}\n' });
    expectOneLine(await up(json), /^error: devloop\.config\.json: images\.api\.buildArgs\.__proto__: a "__proto__" key is not allowed/);
    project?.remove();
    const top = nested({ 'devloop.config.yaml': '__proto__:\n  images: {}\n' });
    expectOneLine(await up(top), /^error: devloop\.config\.yaml: __proto__: a "__proto__" key is not allowed/);
  });

  it('a config that loops forever: loading times out naming the file, exit 2', async () => {
    const cwd = nested({ 'devloop.config.ts': 'while (true) {}\n' });
    const started = Date.now();
    const result = await up(cwd, { DEVLOOP_CONFIG_TIMEOUT: '2s' });
    expect(Date.now() - started).toBeLessThan(20_000);
    expectOneLine(result, /^error: devloop\.config\.ts: did not finish loading within 2\.0s$/);
  });

  // The config writes a marker as its loading starts, so the signal lands while it loads.
  const hanging = {
    'while (true) {}': "import { writeFileSync } from 'node:fs';\nwriteFileSync('loading', '');\nwhile (true) {}\n",
    'a top-level await that never settles': `import { writeFileSync } from 'node:fs';\nwriteFileSync('loading', '');\nawait new Promise(() => setInterval(() => {}, 1000));\nexport default {};\n`,
  };
  for (const [what, text] of Object.entries(hanging)) {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      it(`${signal} stops devloop within 2 s while the config runs ${what}`, async () => {
        const cwd = nested({ 'devloop.config.ts': text });
        child = execa(process.execPath, [devloopBin, 'up', '--output', 'plain'], { cwd, env: { NO_COLOR: '1' }, reject: false });
        await eventually('the config is loading', () => (existsSync(path.join(cwd, 'loading')) ? true : undefined), 30_000);
        const sent = Date.now();
        child.kill(signal);
        const result = await Promise.race([child, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 5000))]);
        const tookMs = Date.now() - sent;
        expect(result, 'still running 5 s after the signal').toBeDefined();
        expect(tookMs).toBeLessThan(2000);
        expect(result?.exitCode).toBe(130);
        expect(String(result?.stderr)).not.toMatch(/^\s+at /m);
      });
    }
  }
});

/** Against the real cluster: the reload of `up` and an internal error in `ci`. */
describeWithCluster('config reloads and internal errors in a running loop', (env) => {
  let project: E2eProject | undefined;
  let child: ResultPromise | undefined;
  afterEach(() => {
    child?.kill('SIGKILL');
    child = undefined;
    project?.remove();
  });

  it('`up` reloading a personal config that never finishes: the timeout is shown, the loop keeps running, SIGTERM still ends it', async () => {
    project = e2eProject(env);
    const p = project;
    child = execa(process.execPath, [devloopBin, 'up', '--output', 'plain'], {
      cwd: p.dir,
      env: { ...p.env, DEVLOOP_CONFIG_TIMEOUT: '2s' },
      reject: false,
      all: true,
      buffer: true,
    });
    let output = '';
    child.all?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    await eventually('first pass ready', () => (/\[hello\].*ready/.test(output) ? true : undefined), 150_000);
    p.write('devloop.local.config.ts', 'while (true) {}\n');
    await eventually(
      'the reload timed out',
      () => (/devloop\.local\.config\.ts: did not finish loading within 2\.0s/.test(output) ? true : undefined),
      60_000,
    );
    expect(output).toMatch(/config has errors; the last good config keeps running/);
    const sent = Date.now();
    child.kill('SIGTERM');
    const result = await child;
    expect(Date.now() - sent).toBeLessThan(2000);
    expect(result.exitCode).toBe(130);
    expect(output).not.toMatch(/^\s+at /m);
  });

  it('`ci` after an internal error exits at once, the JSON exit event and the process agreeing on 1', async () => {
    project = e2eProject(env);
    // A cache location that is a file: recording the finished build throws ENOTDIR inside the loop.
    const cacheHome = path.join(project.dir, 'cache-is-a-file');
    writeFileSync(cacheHome, '');
    // New content, so the image is built (an image with the example's digest may exist already).
    project.write('app/site/nonce.txt', `${Math.random()}\n`);
    const started = Date.now();
    const result = await execa(process.execPath, [devloopBin, 'ci', '--output', 'json', '--timeout', '10m'], {
      cwd: project.dir,
      env: { ...project.env, XDG_CACHE_HOME: cacheHome },
      reject: false,
      timeout: 150_000,
    });
    const events = String(result.stdout)
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { event: string; code?: number; diagnostics?: { code: string; message: string }[] });
    expect(events.some((e) => e.event === 'build-started')).toBe(true);
    expect(events.at(-1)).toEqual({ event: 'exit', code: 1 });
    expect(result.exitCode).toBe(1);
    expect(events.at(-2)?.diagnostics?.[0]).toMatchObject({ code: 'internal-error', message: expect.stringMatching(/ENOTDIR/) });
    expect(String(result.stderr)).not.toMatch(/^\s+at /m);
    expect(Date.now() - started).toBeLessThan(120_000);
    expect(project.kubectl(['-n', project.namespace, 'get', 'deployments', '-o', 'name'])).toBe('');
  });
});
