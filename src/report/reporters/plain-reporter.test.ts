import { describe, expect, it } from 'vitest';
import { captureSink } from '../../../test/support/cli-harness.ts';
import { failureScript, successScript, t0 } from '../../../test/support/engine-script.ts';
import type { Action } from '../../engine/actions.ts';
import { LogStore } from '../../engine/log-store.ts';
import { Store } from '../../engine/store.ts';
import { PlainReporter } from './plain-reporter.ts';

function setup(options: { color?: boolean; buildOutput?: boolean } = {}) {
  const store = new Store(t0);
  const logs = new LogStore();
  const sink = captureSink();
  const reporter = new PlainReporter({
    store,
    logs,
    sink,
    color: options.color ?? false,
    cwd: '/project',
    buildOutput: options.buildOutput ?? false,
  });
  return { store, logs, sink, reporter };
}

describe('PlainReporter', () => {
  it('writes one prefixed line per significant action of a successful iteration, and log lines', () => {
    const { store, logs, sink } = setup();
    for (const action of successScript) store.dispatch(action);
    logs.append({
      resource: 'hello',
      pod: 'hello-7d9c6b5f4-x2k8q',
      container: 'web',
      timestamp: '2026-01-01T00:00:03Z',
      text: 'listening on :8080\n',
    });
    expect(sink.text().split('\n')).toEqual([
      '[devloop] 1 resource: hello · 1 image',
      '[devloop] watching 12 files',
      '[devloop] changed: site/index.html',
      '[devloop] iteration 1: hello',
      '[hello] rebuild from step 5/7 COPY site/ /srv/: site/index.html changed',
      '[hello] build started (step 5/7 COPY site/ /srv/)',
      '[hello] built hello:dl-3f9a1b2c4d5e in 990ms with BuildKit',
      '[hello] delivering',
      '[hello] delivered by registry-push in 390ms (k3d-registry.localhost:5000/hello:dl-3f9a1b2c4d5e)',
      '[hello] patching image',
      '[hello] deployed hello:dl-3f9a1b2c4d5e',
      '[hello] rollout: 1 of 1 updated pods not ready (0/1 ready)',
      '[hello] ready in 2.4s (edit-to-ready)',
      '[devloop] iteration 1 done in 2.4s',
      '[hello hello-x2k8q/web] listening on :8080',
      '',
    ]);
  });

  it('says where the image already was when nothing was delivered', () => {
    const { store, sink } = setup();
    store.dispatch({ type: 'delivery-started', at: t0, images: ['hello', 'api'] });
    store.dispatch({
      type: 'delivery-completed',
      at: t0 + 5,
      delivered: [
        {
          image: 'hello',
          tag: 'dl-3f9a',
          deployRef: 'k3d-registry.localhost:5000/hello:dl-3f9a',
          imagePullPolicy: 'IfNotPresent',
          stage: 'skipped',
          route: 'registry',
          why: 'registry already has localhost:5000/hello:dl-3f9a',
        },
        {
          image: 'api',
          tag: 'dl-77aa',
          deployRef: 'api:dl-77aa',
          imagePullPolicy: 'IfNotPresent',
          stage: 'skipped',
          route: 'import',
          why: 'every node has api:dl-77aa',
        },
      ],
    });
    expect(sink.text()).toContain('[hello] delivered: already in the registry (k3d-registry.localhost:5000/hello:dl-3f9a)\n');
    expect(sink.text()).toContain('[api] delivered: already in the cluster (api:dl-77aa)\n');
    expect(sink.text()).not.toContain('skipped');
  });

  it('writes a failure with its fix and details indented under it', () => {
    const { store, sink } = setup();
    for (const action of successScript) store.dispatch(action);
    const before = sink.text().length;
    for (const action of failureScript) store.dispatch(action);
    const lines = sink.text().slice(before).split('\n');
    expect(lines.slice(-7)).toEqual([
      '[hello] deployed hello:dl-77aa88bb99cc',
      '[hello] rollout failed: crash-loop: container web of hello-7d9c6b5f4-x2k8q keeps exiting (exit code 1, CrashLoopBackOff)',
      '  fix: look at the last log lines below; the start command fails',
      '  │ node:internal/modules/cjs/loader:1228',
      "  │ Error: Cannot find module '/srv/app.js'",
      '[devloop] iteration 2 failed in 4.0s',
      '',
    ]);
  });

  it('says the reason of a failure once when its message starts with it', () => {
    const { store, sink } = setup();
    for (const action of successScript) store.dispatch(action);
    const problem = { stage: 'rollout', reason: 'crash-loop', message: 'crash-loop: container web exited with code 1' } as const;
    store.dispatch({ type: 'resource-failed', at: t0 + 5000, resource: 'hello', problem });
    expect(sink.text()).toContain('[hello] rollout failed: crash-loop: container web exited with code 1\n');
    expect(sink.text()).not.toContain('crash-loop: crash-loop');
  });

  it('prints repeated rollout progress and waiting reasons once', () => {
    const { store, sink } = setup();
    for (const action of successScript.slice(0, 12)) store.dispatch(action);
    const progress: Action = {
      type: 'rollout-progress',
      at: t0 + 3000,
      resource: 'hello',
      progress: { message: 'waiting', podsReady: 0, podsWanted: 1 },
    };
    store.dispatch(progress);
    store.dispatch({ ...progress, at: t0 + 3100 });
    store.dispatch({ type: 'resource-waiting', at: t0 + 3200, resource: 'hello', waiting: { kind: 'dependency', on: 'db' } });
    store.dispatch({ type: 'resource-waiting', at: t0 + 3300, resource: 'hello', waiting: { kind: 'dependency', on: 'db' } });
    expect(sink.text().match(/rollout: waiting/g)).toHaveLength(1);
    expect(sink.text().match(/waiting: waiting for db to be ready/g)).toHaveLength(1);
  });

  it('says once when work waits for a component and once when it resumes', () => {
    const { store, sink } = setup();
    store.dispatch(successScript[0] as Action);
    const hold = {
      reason: 'waiting-for-registry',
      component: 'registry',
      cause: 'registry-unreachable',
      resources: ['hello'],
      since: t0 + 100,
    } as const;
    store.dispatch({ type: 'work-held', at: t0 + 100, hold });
    store.dispatch({ type: 'work-resumed', at: t0 + 4600, hold, because: 'component-answered' });
    expect(sink.text().split('\n').slice(1, 3)).toEqual([
      '[devloop] waiting-for-registry: registry-unreachable; hello will run again when the registry answers',
      '[devloop] the registry answers after 4.5s: running hello again',
    ]);
  });

  it('prints config diagnostics, notices, pause and stop', () => {
    const { store, sink, reporter } = setup();
    store.dispatch(successScript[0] as Action);
    store.dispatch({
      type: 'config-invalid',
      at: t0 + 1,
      diagnostics: [
        {
          severity: 'error',
          code: 'config-wrong-type',
          message: 'expected a number',
          file: '/project/devloop.config.ts',
          keyPath: 'resources.hello.port',
          hint: 'write 8080',
        },
      ],
    });
    store.dispatch({ type: 'watch-paused', at: t0 + 2 });
    reporter.notice('configuration changed: reloading');
    store.dispatch({ type: 'engine-stopping', at: t0 + 3 });
    expect(sink.text()).toContain(
      '[devloop] config has errors; the last good config keeps running:\nerror: devloop.config.ts: resources.hello.port: expected a number\n  hint: write 8080\n',
    );
    expect(sink.text()).toContain('[devloop] watching paused\n[devloop] configuration changed: reloading\n[devloop] stopping\n');
  });

  it('prints build output only when asked, and once though the log pane also has it', () => {
    const quiet = setup();
    const verbose = setup({ buildOutput: true });
    for (const { store, logs } of [quiet, verbose]) {
      for (const action of successScript) store.dispatch(action);
      logs.appendToEach(['hello'], {
        pod: 'build',
        container: 'hello',
        timestamp: '',
        text: 'Step 5/7 : COPY site/ /srv/',
        source: 'build',
      });
    }
    expect(quiet.sink.text()).not.toContain('Step 5/7 : COPY');
    expect(verbose.sink.text()).toContain('[hello] │ Step 5/7 : COPY site/ /srv/\n');
    expect(verbose.sink.text().match(/Step 5\/7 : COPY/g)).toHaveLength(1);
  });

  it('colours prefixes and outcomes only when colour is on, and strips container colours when off', () => {
    const on = setup({ color: true });
    const off = setup();
    for (const { store, logs } of [on, off]) {
      for (const action of successScript) store.dispatch(action);
      logs.append({ resource: 'hello', pod: 'p', container: 'c', timestamp: '', text: '\u001b[31mred\u001b[0m' });
    }
    expect(on.sink.text()).toContain('\u001b[32mready in 2.4s (edit-to-ready)\u001b[39m');
    expect(on.sink.text()).toContain('\u001b[36m[hello]\u001b[39m');
    expect(off.sink.text()).not.toContain('\u001b');
    expect(off.sink.text()).toContain('[hello p/c] red\n');
  });

  it('stops writing after close', () => {
    const { store, logs, sink, reporter } = setup();
    reporter.close(0);
    store.dispatch(successScript[0] as Action);
    logs.append({ resource: 'hello', pod: 'p', container: 'c', timestamp: '', text: 'late' });
    expect(sink.text()).toBe('');
  });
});

describe('PlainReporter on local commands', () => {
  it('says each run, its lines under its name, how it ended, and a failure with its exit code and last lines', () => {
    const { store, logs, sink } = setup();
    const gen = { name: 'gen', command: ['npm', 'run', 'gen'], dependsOn: [], trigger: 'auto', serve: false } as const;
    const web = { name: 'web', command: ['vite'], dependsOn: ['gen'], trigger: 'auto', serve: true } as const;
    store.dispatch({ type: 'engine-started', at: t0, resources: [], images: [], locals: [gen, web] });
    store.dispatch({ type: 'local-queued', at: t0, local: 'web' });
    store.dispatch({ type: 'local-waiting', at: t0, local: 'web', waiting: { kind: 'dependency', on: 'gen' } });
    store.dispatch({ type: 'local-started', at: t0, local: 'gen' });
    logs.append({ resource: 'gen', pod: '', container: '', timestamp: '2026-01-01T00:00:01Z', text: 'wrote api/client.ts' });
    store.dispatch({ type: 'local-completed', at: t0 + 1200, local: 'gen', durationMs: 1200 });
    store.dispatch({ type: 'local-started', at: t0 + 1200, local: 'web' });
    store.dispatch({ type: 'local-serving', at: t0 + 1210, local: 'web' });
    store.dispatch({
      type: 'local-failed',
      at: t0 + 5000,
      local: 'web',
      exitCode: 1,
      durationMs: 3790,
      problem: {
        stage: 'local',
        reason: 'local-command-exited',
        message: 'vite exited with code 1 while devloop runs',
        fix: 'see its log; it starts again when its deps change, or on t',
        details: ['Error: port 5173 is in use'],
      },
    });
    expect(sink.text().split('\n')).toEqual([
      '[devloop] 0 resources:  · 0 images · 2 local commands: gen, web',
      '[web] waiting: waiting for gen to be ready',
      '[gen] running npm run gen',
      '[gen] wrote api/client.ts',
      '[gen] succeeded in 1.2s',
      '[web] starting vite',
      '[web] serving',
      '[web] local command failed: local-command-exited: vite exited with code 1 while devloop runs',
      '  fix: see its log; it starts again when its deps change, or on t',
      '  │ Error: port 5173 is in use',
      '',
    ]);
  });
});
