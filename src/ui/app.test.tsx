import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { crashLoop, failureScript, successScript, t0 } from '../../test/support/engine-script.ts';
import type { Action } from '../engine/actions.ts';
import { LogStore } from '../engine/log-store.ts';
import type { EngineState } from '../engine/state.ts';
import { Store } from '../engine/store.ts';
import { App, type AppProps } from './app.tsx';

afterEach(() => cleanup());

const keys = { down: '\u001b[B', up: '\u001b[A', enter: '\r', escape: '\u001b', backspace: '\u007f', ctrlC: '\u0003' };
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping colours from frames
const plain = (frame: string | undefined) => (frame ?? '').replace(/\u001b\[[0-9;]*m/g, '');

/** Polls until `check` passes (ink flushes a lone Esc after 20 ms and redraws asynchronously). */
async function waitFor(check: () => void, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

function mount(overrides: Partial<AppProps> = {}) {
  const store = new Store(t0);
  const logs = new LogStore();
  let now = t0;
  const callbacks = { onTrigger: vi.fn(), onTogglePause: vi.fn(), onQuit: vi.fn() };
  const app = render(
    <App
      store={store}
      logs={logs}
      {...callbacks}
      redrawIntervalMs={0}
      tickMs={0}
      clock={() => now}
      size={{ columns: 100, rows: 24 }}
      {...overrides}
    />,
  );
  const frame = () => plain(app.lastFrame());
  const dispatch = async (action: Action) => {
    now = action.at;
    const before = app.frames.length;
    const state = store.getState();
    store.dispatch(action);
    // actions that change nothing (iteration-completed) cause no redraw
    if (store.getState() !== state) await waitFor(() => expect(app.frames.length).toBeGreaterThan(before));
  };
  const press = async (...inputs: string[]) => {
    for (const input of inputs) {
      app.stdin.write(input);
      // a lone Esc is held 20 ms by ink in case more of a sequence follows
      await new Promise((resolve) => setTimeout(resolve, input === keys.escape ? 40 : 2));
    }
  };
  const helloRow = () =>
    frame()
      .split('\n')
      .find((line) => / hello /.test(line) && /[○◌◐●✖]/.test(line)) ?? '';
  return { app, store, logs, frame, dispatch, press, helloRow, callbacks };
}

const twoResources: Action = {
  type: 'engine-started',
  at: t0,
  resources: [
    { name: 'hello', images: ['hello'], dependsOn: [], trigger: 'auto' },
    { name: 'api', images: [], dependsOn: ['hello'], trigger: 'auto' },
  ],
  images: ['hello'],
};

describe('App frames for a scripted iteration', () => {
  it('shows each step of the iteration on the resource row', async () => {
    const ui = mount();
    const seen: Record<string, string> = {};
    for (const action of successScript) {
      await ui.dispatch(action);
      seen[action.type] = ui.helloRow();
    }
    expect(seen['engine-started']).toMatch(/○ hello\s+idle/);
    expect(seen['iteration-started']).toMatch(/◌ hello\s+\S queued/);
    expect(seen['build-started']).toContain('building hello 0ms · from step 5/7 COPY site/ /srv/');
    expect(seen['build-step']).toContain('building hello 90ms · step 5/7 COPY site/ /srv/');
    expect(seen['build-completed']).toContain('built hello');
    expect(seen['delivery-started']).toContain('delivering hello');
    expect(seen['delivery-completed']).toContain('delivered by registry-push');
    expect(seen['deploy-started']).toContain('patching image');
    expect(seen['deploy-completed']).toContain('rolling out');
    expect(seen['deploy-completed']).toContain('hello:3f9a1b2');
    expect(seen['rollout-progress']).toMatch(/rolling out 200ms · 1 of 1 updated pods not ready.*0\/1/);
    expect(seen['resource-ready']).toMatch(/● hello\s+ready\s+2\.4s\s+hello:3f9a1b2\s+1\/1/);
    const header = ui.frame().split('\n')[0];
    expect(header).toContain('watching · iteration 1 · 1/1 ready · changed site/index.html');
  });

  it('shows a failure with its diagnosis and fix in the detail view, and the timeline bars', async () => {
    const ui = mount();
    for (const action of [...successScript, ...failureScript]) await ui.dispatch(action);
    expect(ui.helloRow()).toMatch(/✖ hello\s+rollout failed · crash-loop\s+2\.4s\s+hello:77aa88b/);
    expect(ui.frame()).not.toContain('fix:');
    await ui.press(keys.enter);
    await waitFor(() => expect(ui.frame()).toContain(`fix: ${crashLoop.fix}`));
    const frame = ui.frame();
    expect(frame).toContain(`crash-loop: ${crashLoop.message}`);
    expect(frame).toContain("│ Error: Cannot find module '/srv/app.js'");
    expect(frame).toContain('hello: rebuild from step 5/7 COPY site/ /srv/: site/app.js changed · built in 690ms · registry-push');
    expect(frame).toMatch(/iteration 2 \(last\) · elapsed 4\.0s/);
    expect(frame).toMatch(/build\s+█+\s+690ms/);
    expect(frame).toMatch(/rollout\s+█+\s+2\.6s/);
    expect(frame.split('\n').length).toBeLessThanOrEqual(23);
    await ui.press('d');
    await waitFor(() => expect(ui.frame()).not.toContain('fix:'));
  });

  it('shows a watcher error under the top line as soon as it happens', async () => {
    const ui = mount();
    for (const action of successScript) await ui.dispatch(action);
    await ui.dispatch({ type: 'watch-failed', at: t0 + 5000, message: 'EACCES: permission denied, watch /p/app/secret' });
    expect(ui.frame().split('\n')[1]).toBe('watch error: EACCES: permission denied, watch /p/app/secret');
  });

  it('shows config problems at the top while the last good config runs', async () => {
    const ui = mount();
    await ui.dispatch(successScript[0] as Action);
    await ui.dispatch({
      type: 'config-invalid',
      at: t0 + 5,
      diagnostics: [
        {
          severity: 'error',
          code: 'config-wrong-type',
          message: 'expected a number',
          file: 'devloop.config.ts',
          keyPath: 'resources.hello.port',
        },
      ],
    });
    expect(ui.frame()).toContain('config has errors; the last good config keeps running:');
    expect(ui.frame()).toContain('devloop.config.ts: resources.hello.port: expected a number');
  });
});

describe('App keys', () => {
  it('moves the selection and triggers a rebuild of the selected resource', async () => {
    const ui = mount();
    await ui.dispatch(twoResources);
    expect(ui.frame()).toMatch(/› ○ hello/);
    await ui.press(keys.down);
    await waitFor(() => expect(ui.frame()).toMatch(/› ○ api/));
    await ui.press('t');
    expect(ui.callbacks.onTrigger).toHaveBeenCalledWith('api');
    await ui.press('k', 't');
    expect(ui.callbacks.onTrigger).toHaveBeenLastCalledWith('hello');
    await ui.press('p');
    expect(ui.callbacks.onTogglePause).toHaveBeenCalledTimes(1);
    await ui.press('q', keys.ctrlC);
    expect(ui.callbacks.onQuit).toHaveBeenCalledTimes(2);
  });

  it('lists a local command first, shows its log lines, and t asks to run it', async () => {
    const ui = mount();
    await ui.dispatch({
      ...twoResources,
      locals: [{ name: 'gen', command: ['npm', 'run', 'gen'], dependsOn: [], trigger: 'auto', serve: false }],
    } as Action);
    expect(ui.frame()).toMatch(/› ◌ gen +pending/);
    await ui.dispatch({ type: 'local-started', at: t0 + 10, local: 'gen' });
    ui.logs.append({ resource: 'gen', pod: '', container: '', timestamp: '2026-01-01T00:00:01Z', text: 'wrote src/client.ts' });
    await ui.dispatch({ type: 'local-completed', at: t0 + 850, local: 'gen', durationMs: 840 });
    await waitFor(() => expect(ui.frame()).toMatch(/● gen +succeeded in 840ms/));
    expect(ui.frame()).toMatch(/gen +wrote src\/client\.ts/);
    await ui.press('t');
    expect(ui.callbacks.onTrigger).toHaveBeenCalledWith('gen');
    await ui.press(keys.down, 't');
    expect(ui.callbacks.onTrigger).toHaveBeenLastCalledWith('hello');
  });

  it('filters the log pane as the filter is typed, switches scope with a, and Esc clears the filter', async () => {
    const ui = mount();
    await ui.dispatch(twoResources);
    ui.logs.append({ resource: 'hello', pod: 'hello-7d9c6b5f4-x2k8q', container: 'web', timestamp: '', text: 'GET / 200' });
    ui.logs.append({ resource: 'api', pod: 'api-5f4b8c7d9-abcde', container: 'api', timestamp: '', text: 'error: db refused' });
    ui.logs.append({ resource: 'hello', pod: 'hello-7d9c6b5f4-x2k8q', container: 'web', timestamp: '', text: 'GET /missing 404 error' });
    await waitFor(() => expect(ui.frame()).toContain('hello hello-x2k8q/web GET / 200'));
    expect(ui.frame()).toContain('api api-abcde/api error: db refused');

    await ui.press('/', 'e', 'r', 'x', keys.backspace, 'r');
    await waitFor(() => expect(ui.frame()).toContain('logs · all resources · filter "err▏"'));
    expect(ui.frame()).not.toContain('GET / 200');
    expect(ui.frame()).toContain('error: db refused');
    expect(ui.frame()).toContain('GET /missing 404 error');
    await ui.press(keys.enter, 'a');
    await waitFor(() => expect(ui.frame()).toContain('logs · hello · filter "err"'));
    expect(ui.frame()).not.toContain('db refused');
    expect(ui.frame()).toContain('hello-x2k8q/web GET /missing 404 error');

    await ui.press(keys.escape);
    await waitFor(() => expect(ui.frame()).toContain('GET / 200'));
    expect(ui.frame()).toContain('── logs · hello ──');
  });

  it('focuses the log pane with l and scrolls it back', async () => {
    const ui = mount();
    await ui.dispatch(twoResources);
    for (let i = 1; i <= 50; i++) ui.logs.append({ resource: 'hello', pod: 'p', container: 'c', timestamp: '', text: `line ${i}` });
    await waitFor(() => expect(ui.frame()).toContain('line 50'));
    await ui.press('l', 'k', 'k');
    await waitFor(() => expect(ui.frame()).toContain('scrolled back 2'));
    expect(ui.frame()).toContain('line 48');
    expect(ui.frame()).not.toContain('line 50');
    expect(ui.frame()).toContain('↑↓ scroll');
    await ui.press('G');
    await waitFor(() => expect(ui.frame()).toContain('line 50'));
  });
});

describe('App under load and resize', () => {
  it('survives a flood of 10k log lines, redrawing a few times and ending on the last lines', async () => {
    const ui = mount({ redrawIntervalMs: 50 });
    await ui.dispatch(successScript[0] as Action);
    const framesBefore = ui.app.frames.length;
    const started = performance.now();
    for (let i = 1; i <= 10_000; i++) {
      ui.logs.append({ resource: 'hello', pod: 'hello-7d9c6b5f4-x2k8q', container: 'web', timestamp: '', text: `request ${i}` });
    }
    const appendMs = performance.now() - started;
    await waitFor(() => expect(ui.frame()).toContain('request 10000'));
    expect(appendMs).toBeLessThan(1000);
    expect(ui.app.frames.length - framesBefore).toBeLessThan(10);
    const logLines = ui
      .frame()
      .split('\n')
      .filter((line) => line.includes('request '));
    expect(logLines.at(-1)).toContain('request 10000');
    expect(logLines.length).toBeGreaterThan(10);
  });

  it('fits a resized terminal', async () => {
    const ui = mount({ size: undefined });
    await ui.dispatch(successScript[0] as Action);
    const stdout = ui.app.stdout as unknown as { columns: number; rows: number; emit(event: string): void };
    for (const [columns, rows] of [
      [60, 16],
      [120, 40],
    ] as const) {
      Object.defineProperty(stdout, 'columns', { configurable: true, get: () => columns });
      Object.defineProperty(stdout, 'rows', { configurable: true, get: () => rows });
      stdout.emit('resize');
      await waitFor(() => expect(ui.frame().split('\n').length).toBe(rows - 1));
      for (const line of ui.frame().split('\n')) expect(line.length).toBeLessThanOrEqual(columns);
    }
  });

  it('catches a crash of the screen, tells the caller and still quits on q', async () => {
    const store = new Store(t0);
    const brokenState: EngineState = {
      ...store.getState(),
      order: ['x'],
      resources: { x: { phase: 'exploded' } as unknown as EngineState['resources'][string] },
    };
    const broken = { getState: () => brokenState, subscribe: store.subscribe };
    const onError = vi.fn();
    const ui = mount({ store: broken, onError });
    await waitFor(() => expect(ui.frame()).toContain('the devloop screen failed'));
    expect(onError).toHaveBeenCalled();
    await ui.press('q');
    expect(ui.callbacks.onQuit).toHaveBeenCalled();
  });
});
