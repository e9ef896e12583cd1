import { readFileSync } from 'node:fs';
import { render } from 'ink-testing-library';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { App } from '../../src/ui/app.tsx';
import { type E2eLoop, startE2eLoop } from '../support/e2e-loop.ts';
import { type E2eProject, e2eProject, eventually, fetchText } from '../support/e2e-project.ts';
import { describeWithCluster } from '../support/environment.ts';

describeWithCluster('devloop up on the example app', (env) => {
  let project: E2eProject;
  let loop: E2eLoop;
  let ui: ReturnType<typeof render>;

  beforeAll(async () => {
    project = e2eProject(env);
    loop = await startE2eLoop(project);
    ui = render(
      <App store={loop.store} logs={loop.logs} onTrigger={() => undefined} onTogglePause={() => undefined} onQuit={() => undefined} />,
    );
  });

  afterAll(async () => {
    await loop?.stop();
    ui?.unmount();
    project?.remove();
  });

  it('deploys, then an edit rolls out and the new pod serves the new content', async () => {
    expect(loop.store.getState().resources.hello?.phase).toBe('ready');
    const first = await eventually('the page through the port forward', () => fetchText(`http://127.0.0.1:${project.port}/`), 30_000);
    expect(first).toContain('hello from devloop');
    const firstTag = loop.store.getState().resources.hello?.deployedTags['hello-web'];

    const edited = Date.now();
    const nonce = Math.random().toString(36).slice(2);
    project.write('app/site/index.html', `<h1>edited by the e2e test ${nonce}</h1>\n`);
    await eventually('the edit to be ready', () => {
      const r = loop.store.getState().resources.hello;
      return r?.phase === 'ready' && r.deployedTags['hello-web'] !== firstTag ? r : undefined;
    });
    const served = await eventually('the new content', async () => {
      const text = await fetchText(`http://127.0.0.1:${project.port}/`);
      return text?.includes(`edited by the e2e test ${nonce}`) ? text : undefined;
    });
    expect(served).toContain('edited by the e2e test');
    const resource = loop.store.getState().resources.hello;
    expect(resource?.lastEditToReadyMs).toBeGreaterThan(0);
    expect(resource?.lastEditToReadyMs).toBeLessThan(Date.now() - edited + 1000);
    expect(resource?.timeline?.phases.map((p) => p.name)).toEqual(['plan', 'build', 'deliver', 'patch', 'rollout']);

    // The JSON events and the Ink frames tell the same story.
    const events = loop
      .jsonText()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; resource?: string; tags?: Record<string, string> });
    const readies = events.filter((e) => e.event === 'resource-ready' && e.resource === 'hello');
    expect(readies.length).toBeGreaterThanOrEqual(2);
    // A quick push last time: the edit's patch went out while its push still ran (the cluster starts on the new pod meanwhile).
    const deliveries = events
      .map((e, index) => ({ e: e as { event: string; delivered?: { stage: string; durationMs?: number }[] }, index }))
      .filter(({ e }) => e.event === 'delivery-completed');
    const [before, last] = deliveries.slice(-2);
    const lastPatch = events.findLastIndex((e) => e.event === 'deploy-started');
    if (before?.e.delivered?.[0]?.stage === 'registry-push' && (before.e.delivered[0].durationMs ?? 1e9) <= 500) {
      expect(lastPatch).toBeLessThan(last?.index ?? -1);
    } else expect(lastPatch).toBeGreaterThan(last?.index ?? Number.POSITIVE_INFINITY);
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
    await loop.idle();
    const builds = loop.actions.filter((a) => a.type === 'build-started').length;
    expect(builds).toBeLessThanOrEqual(6);
  });

  it('a broken config edit shows its diagnostic while the last good config keeps running; a fix reloads', async () => {
    const good = readFileSync(`${project.dir}/devloop.config.json`, 'utf8');
    project.write('devloop.config.json', good.replace('"context": "app"', '"context": 42'));
    const invalid = await eventually('config-invalid', () => loop.actions.find((a) => a.type === 'config-invalid'), 10_000);
    expect(JSON.stringify(invalid)).toContain('images.hello-web.context');
    expect(loop.store.getState().configProblems.length).toBeGreaterThan(0);
    expect(await fetchText(`http://127.0.0.1:${project.port}/`)).toBeDefined();
    project.write('devloop.config.json', good);
    await eventually('config-reloaded', () => loop.actions.find((a) => a.type === 'config-reloaded'), 10_000);
    await eventually('ready again', () => (loop.store.getState().resources.hello?.phase === 'ready' ? true : undefined), 60_000);
    expect(loop.store.getState().configProblems).toEqual([]);
  });
});
