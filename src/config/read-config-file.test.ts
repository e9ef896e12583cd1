import { afterEach, describe, expect, it } from 'vitest';
import { type TempProject, tempProject } from '../../test/support/temp-project.ts';
import { prewarmConfigWorker, readConfigFiles } from './read-config-file.ts';

let project: TempProject | undefined;
afterEach(() => project?.remove());

/** A project with a valid config at its root and `sub/devloop.config.ts` as given. */
function nested(sub: string): TempProject {
  project = tempProject({
    'package.json': '{"name":"p"}',
    'devloop.config.json': '{"images":{"root":{"context":"."}}}',
    'sub/devloop.config.ts': sub,
  });
  return project;
}

describe('readConfigFiles (in a worker)', () => {
  it('answers the team file and the personal file beside it, as plain data', async () => {
    project = tempProject({
      'devloop.config.ts': "const images: Record<string, { context: string }> = { api: { context: 'api' } };\nexport default { images };\n",
      'devloop.local.config.yaml': 'cluster:\n  namespace: mine\n',
    });
    const answer = await readConfigFiles({ cwd: `${project.dir}` });
    expect(answer).toEqual({
      ok: true,
      value: {
        team: { file: `${project.dir}/devloop.config.ts`, value: { images: { api: { context: 'api' } } } },
        local: { file: `${project.dir}/devloop.local.config.yaml`, value: { cluster: { namespace: 'mine' } } },
      },
    });
  });

  it('uses a worker started ahead of need once, then starts fresh ones', async () => {
    project = tempProject({ 'devloop.config.mjs': 'export default { images: {} };\n' });
    prewarmConfigWorker();
    const first = await readConfigFiles({ cwd: project.dir });
    const second = await readConfigFiles({ cwd: project.dir });
    expect(first).toEqual(second);
    expect(first.ok && first.value?.team.value).toEqual({ images: {} });
  });

  it('a prewarmed worker still reports a top-level await that can never settle at once', async () => {
    const p = nested('await new Promise(() => {});\nexport default {};\n');
    prewarmConfigWorker();
    expect(await readConfigFiles({ cwd: `${p.dir}/sub` }, { timeoutMs: 60_000 })).toMatchObject({
      ok: false,
      error: { code: 'config-load-unfinished' },
    });
  });

  it.each([
    ['export default null;\n', /got null|exports no configuration/],
    ['export const images = {};\n', /exports no configuration/],
    ['', /exports no configuration/],
  ])('a config exporting nothing usable (%j) is that file, not the parent folder’s config', async (text) => {
    const p = nested(text);
    const answer = await readConfigFiles({ cwd: `${p.dir}/sub` });
    expect(answer.ok && answer.value?.team.file).toBe(`${p.dir}/sub/devloop.config.ts`);
  });

  it('an error the config’s own code hits (ENOENT) names the config instead of skipping it', async () => {
    const p = nested("import { readFileSync } from 'node:fs';\nreadFileSync('/no/such/file');\nexport default {};\n");
    const answer = await readConfigFiles({ cwd: `${p.dir}/sub` });
    expect(answer).toMatchObject({ ok: false, error: { code: 'config-syntax-error', file: `${p.dir}/sub/devloop.config.ts` } });
    expect(!answer.ok && answer.error.message).toMatch(/cannot be loaded: ENOENT: no such file or directory/);
  });

  it('names the key of a getter that throws, and of a __proto__ key in YAML', async () => {
    const p = nested('export default { cluster: { get namespace() { throw new Error("unset"); } } };\n');
    expect(await readConfigFiles({ cwd: `${p.dir}/sub` })).toMatchObject({
      ok: false,
      error: { file: `${p.dir}/sub/devloop.config.ts`, keyPath: 'cluster.namespace', message: 'reading it threw: unset' },
    });
    project?.remove();
    project = tempProject({ 'devloop.config.yaml': 'images:\n  __proto__:\n    context: x\n' });
    expect(await readConfigFiles({ cwd: project.dir })).toMatchObject({ ok: false, error: { keyPath: 'images.__proto__' } });
  });

  it('gives up on a config that never finishes loading, naming it', async () => {
    const p = nested('while (true) {}\n');
    const started = Date.now();
    // The limit counts from the start of the file's loading; the worker's start-up under load can take a second.
    const answer = await readConfigFiles({ cwd: `${p.dir}/sub` }, { timeoutMs: 1500 });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(answer).toMatchObject({
      ok: false,
      error: { code: 'config-load-timeout', file: `${p.dir}/sub/devloop.config.ts`, message: 'did not finish loading within 1.5s' },
    });
  });

  it('abandons a hanging load at once when aborted', async () => {
    const p = nested('await new Promise(() => setInterval(() => {}, 1000));\nexport default {};\n');
    const controller = new AbortController();
    const loading = readConfigFiles({ cwd: `${p.dir}/sub` }, { signal: controller.signal, timeoutMs: 60_000 });
    setTimeout(() => controller.abort(), 200);
    const started = Date.now();
    expect(await loading).toMatchObject({ ok: false, error: { code: 'config-load-interrupted' } });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('a top-level await that can never settle is reported at once', async () => {
    const p = nested('await new Promise(() => {});\nexport default {};\n');
    expect(await readConfigFiles({ cwd: `${p.dir}/sub` }, { timeoutMs: 60_000 })).toMatchObject({
      ok: false,
      error: { code: 'config-load-unfinished', file: `${p.dir}/sub/devloop.config.ts` },
    });
  });
});
