import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { captureSink } from '../../test/support/cli-harness.ts';
import { failureScript, successScript, t0 } from '../../test/support/engine-script.ts';
import type { Action } from '../engine/actions.ts';
import { LogStore } from '../engine/log-store.ts';
import { Store } from '../engine/store.ts';
import { JsonReporter } from '../report/reporters/json-reporter.ts';
import { PlainReporter } from '../report/reporters/plain-reporter.ts';
import * as reportText from '../report/reporters/text.ts';
import { App } from './app.tsx';
import * as uiText from './format.ts';

afterEach(() => cleanup());

// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping colours from frames
const plain = (frame: string | undefined) => (frame ?? '').replace(/\u001b\[[0-9;]*m/g, '');

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The fragment of the Ink frame each JSON event implies, computed from the event alone. */
function impliedByEvent(event: Record<string, unknown> & { event: string }, changeSeenAt: number): string[] {
  const action = event as unknown as Action;
  switch (action.type) {
    case 'engine-started':
      return action.resources.map((r) => r.name);
    case 'iteration-started':
      return [`iteration ${action.iteration}`, 'queued'];
    case 'build-started':
      return [`building ${action.image}`];
    case 'build-completed':
      return [`built ${action.image}`];
    case 'delivery-started':
      return action.images.map((image) => `delivering ${image}`);
    case 'delivery-completed':
      return action.delivered.map((d) => `delivered by ${d.stage}`);
    case 'deploy-started':
      return [action.mode === 'patch' ? 'patching image' : 'applying manifests'];
    case 'deploy-completed':
      return ['rolling out', ...Object.entries(action.tags).map(([image, tag]) => `${image}:${uiText.shortTag(tag)}`)];
    case 'rollout-progress':
      return [action.progress.message, `${action.progress.podsReady}/${action.progress.podsWanted}`];
    case 'resource-ready':
      return ['ready', reportText.formatDuration(action.at - changeSeenAt)];
    case 'resource-failed':
      return [action.problem.reason];
    default:
      return [];
  }
}

describe('the Ink frames, the JSON events and the plain lines tell the same story', () => {
  it('for a successful iteration and a failing one', async () => {
    const store = new Store(t0);
    const logs = new LogStore();
    const jsonSink = captureSink();
    const plainSink = captureSink();
    new JsonReporter({ store, logs, sink: jsonSink });
    new PlainReporter({ store, logs, sink: plainSink, color: false, cwd: '/' });
    let now = t0;
    const app = render(
      <App
        store={store}
        logs={logs}
        onTrigger={vi.fn()}
        onTogglePause={vi.fn()}
        onQuit={vi.fn()}
        redrawIntervalMs={0}
        tickMs={0}
        clock={() => now}
        size={{ columns: 120, rows: 30 }}
      />,
    );

    let changeSeenAt = t0;
    let checked = 0;
    for (const action of [...successScript, ...failureScript]) {
      now = action.at;
      const frames = app.frames.length;
      const state = store.getState();
      store.dispatch(action);
      if (store.getState() !== state) await until(() => app.frames.length > frames);
      const lines = jsonSink.text().trimEnd().split('\n');
      const event = JSON.parse(lines.at(-1) ?? '{}') as Record<string, unknown> & { event: string };
      expect(event.event).toBe(action.type);
      if (action.type === 'iteration-started') changeSeenAt = action.changeSeenAt;
      for (const fragment of impliedByEvent(event, changeSeenAt)) {
        expect(plain(app.lastFrame()), `after ${event.event}`).toContain(fragment);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);

    logs.append({
      resource: 'hello',
      pod: 'hello-7d9c6b5f4-x2k8q',
      container: 'web',
      timestamp: '2026-01-01T00:00:15Z',
      text: 'Error: boom',
    });
    const log = JSON.parse(jsonSink.text().trimEnd().split('\n').at(-1) ?? '{}') as { event: string; text: string; pod: string };
    expect(log).toMatchObject({ event: 'log', text: 'Error: boom' });
    await until(() => plain(app.lastFrame()).includes(`${uiText.shortPod(log.pod)}/web ${log.text}`));
    expect(plainSink.text()).toContain(`[hello ${reportText.shortPod(log.pod)}/web] ${log.text}`);
    expect(plainSink.text()).toContain('[hello] ready in 2.4s (edit-to-ready)');
    expect(plainSink.text()).toContain('[hello] rollout failed: crash-loop:');
  });

  it('with the same durations and pod names in the UI and the reports', () => {
    for (const ms of [0, 999, 1000, 2400, 59_999, 61_000, 7_200_000]) expect(uiText.formatDuration(ms)).toBe(reportText.formatDuration(ms));
    for (const pod of ['web-7d9c6b5f4-x2k8q', 'db-0', 'x']) expect(uiText.shortPod(pod)).toBe(reportText.shortPod(pod));
  });
});
