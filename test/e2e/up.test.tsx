import { readFileSync } from 'node:fs';
import { render } from 'ink-testing-library';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CliContext } from '../../src/cli/cli-context.ts';
import { LoopSupervisor } from '../../src/cli/run-loop.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import type { Action } from '../../src/engine/actions.ts';
import { LogStore } from '../../src/engine/log-store.ts';
import { Store } from '../../src/engine/store.ts';
import { JsonReporter } from '../../src/report/reporters/json-reporter.ts';
import { ExecaRunner } from '../../src/system/execa-runner.ts';
import { NodeFileSystem } from '../../src/system/node-file-system.ts';
import { App } from '../../src/ui/app.tsx';
import { captureSink } from '../support/cli-harness.ts';
import { type E2eProject, e2eProject, eventually, fetchText } from '../support/e2e-project.ts';
import { describeWithCluster } from '../support/environment.ts';

describeWithCluster('devloop up on the example app', (env) => {
  let project: E2eProject;
  let supervisor: LoopSupervisor;
  const store = new Store(Date.now());
  const logs = new LogStore();
  const json = captureSink();
  const actions: Action[] = [];
  let ui: ReturnType<typeof render>;

  beforeAll(async () => {
    project = e2eProject(env);
    const ctx: CliContext = {
      cwd: project.dir,
      env: project.env,
      stdout: json,
      stderr: captureSink(),
      color: false,
      runner: new ExecaRunner(),
      fs: new NodeFileSystem(),
      signal: new AbortController().signal,
    };
    store.subscribe((action) => actions.push(action));
    new JsonReporter({ store, logs, sink: json });
    ui = render(<App store={store} logs={logs} onTrigger={() => undefined} onTogglePause={() => undefined} onQuit={() => undefined} />);
    const loaded = await loadConfig({ cwd: project.dir, env: project.env, flags: {}, fs: ctx.fs });
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.error));
    const failures: string[] = [];
    supervisor = new LoopSupervisor({
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
    expect(failures).toEqual([]);
    expect(started).toBe(true);
  });

  afterAll(async () => {
    await supervisor?.stop();
    ui?.unmount();
    project?.remove();
  });

  it('deploys, then an edit rolls out and the new pod serves the new content', async () => {
    expect(store.getState().resources.hello?.phase).toBe('ready');
    const first = await eventually('the page through the port forward', () => fetchText(`http://127.0.0.1:${project.port}/`), 30_000);
    expect(first).toContain('hello from devloop');
    const firstTag = store.getState().resources.hello?.deployedTags['hello-web'];

    const edited = Date.now();
    const nonce = Math.random().toString(36).slice(2);
    project.write('app/site/index.html', `<h1>edited by the e2e test ${nonce}</h1>\n`);
    await eventually('the edit to be ready', () => {
      const r = store.getState().resources.hello;
      return r?.phase === 'ready' && r.deployedTags['hello-web'] !== firstTag ? r : undefined;
    });
    const served = await eventually('the new content', async () => {
      const text = await fetchText(`http://127.0.0.1:${project.port}/`);
      return text?.includes(`edited by the e2e test ${nonce}`) ? text : undefined;
    });
    expect(served).toContain('edited by the e2e test');
    const resource = store.getState().resources.hello;
    expect(resource?.lastEditToReadyMs).toBeGreaterThan(0);
    expect(resource?.lastEditToReadyMs).toBeLessThan(Date.now() - edited + 1000);
    expect(resource?.timeline?.phases.map((p) => p.name)).toEqual(['plan', 'build', 'deliver', 'patch', 'rollout']);

    // The JSON events and the Ink frames tell the same story.
    const events = json
      .text()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; resource?: string; tags?: Record<string, string> });
    const readies = events.filter((e) => e.event === 'resource-ready' && e.resource === 'hello');
    expect(readies.length).toBeGreaterThanOrEqual(2);
    const deployedTags = events.filter((e) => e.event === 'deploy-completed').map((e) => e.tags?.['hello-web']);
    const newTag = resource?.deployedTags['hello-web'] ?? 'missing';
    expect(deployedTags.at(-1)).toBe(newTag);
    const frame = await eventually(
      'a frame with the new tag',
      () => {
        const f = ui.lastFrame() ?? '';
        return f.includes(newTag.replace('devloop-', '').slice(0, 7)) && /ready/i.test(f) ? f : undefined;
      },
      5000,
    );
    expect(frame).toContain('hello');
    expect(frame).toMatch(/edit-to-ready|\d+(\.\d)?s/);
  });

  it('a burst of edits ends with the last edit deployed', async () => {
    const nonce = Math.random().toString(36).slice(2);
    for (let i = 0; i < 20; i++) {
      project.write('app/site/index.html', `<h1>burst ${i} ${nonce}</h1>\n`);
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
    const served = await eventually('the last burst edit', async () => {
      const text = await fetchText(`http://127.0.0.1:${project.port}/`);
      return text?.includes(`burst 19 ${nonce}`) ? text : undefined;
    });
    expect(served).toContain(`burst 19 ${nonce}`);
    await supervisor.idle();
    const builds = actions.filter((a) => a.type === 'build-started').length;
    expect(builds).toBeLessThanOrEqual(6);
  });

  it('a broken config edit shows its diagnostic while the last good config keeps running; a fix reloads', async () => {
    const good = readFileSync(`${project.dir}/devloop.config.json`, 'utf8');
    project.write('devloop.config.json', good.replace('"context": "app"', '"context": 42'));
    const invalid = await eventually('config-invalid', () => actions.find((a) => a.type === 'config-invalid'), 10_000);
    expect(JSON.stringify(invalid)).toContain('images.hello-web.context');
    expect(store.getState().configProblems.length).toBeGreaterThan(0);
    expect(await fetchText(`http://127.0.0.1:${project.port}/`)).toBeDefined();
    project.write('devloop.config.json', good);
    await eventually('config-reloaded', () => actions.find((a) => a.type === 'config-reloaded'), 10_000);
    await eventually('ready again', () => (store.getState().resources.hello?.phase === 'ready' ? true : undefined), 60_000);
    expect(store.getState().configProblems).toEqual([]);
  });
});
