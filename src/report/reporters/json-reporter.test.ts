import { describe, expect, it } from 'vitest';
import { captureSink } from '../../../test/support/cli-harness.ts';
import { failureScript, successScript, t0 } from '../../../test/support/engine-script.ts';
import { LogStore } from '../../engine/log-store.ts';
import { Store } from '../../engine/store.ts';
import { JsonReporter } from './json-reporter.ts';

function setup() {
  const store = new Store(t0);
  const logs = new LogStore();
  const sink = captureSink();
  const reporter = new JsonReporter({ store, logs, sink });
  const events = () =>
    sink
      .text()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { store, logs, sink, reporter, events };
}

describe('JsonReporter', () => {
  it('writes every action as it is, with event set to its type, one per line', () => {
    const { store, events } = setup();
    for (const action of [...successScript, ...failureScript]) store.dispatch(action);
    expect(events()).toEqual([...successScript, ...failureScript].map((action) => ({ event: action.type, ...action })));
    expect(Object.keys(events()[0] ?? {})[0]).toBe('event');
  });

  it('writes log lines with stable fields, notices, and the exit code last', () => {
    const { store, logs, reporter, events } = setup();
    store.dispatch(successScript[0] as (typeof successScript)[number]);
    logs.append({
      resource: 'hello',
      pod: 'hello-7d9c6b5f4-x2k8q',
      container: 'web',
      timestamp: '2026-01-01T00:00:03Z',
      text: 'listening on :8080',
    });
    // Build lines are the build-output events already.
    logs.appendToEach(['hello'], { pod: 'build', container: 'hello', timestamp: '', text: '#5 [2/2] COPY . /srv', source: 'build' });
    reporter.notice('configuration changed: reloading');
    reporter.close(1);
    reporter.close(2);
    store.dispatch({ type: 'engine-stopping', at: t0 + 9 });
    logs.append({ resource: 'hello', pod: 'p', container: 'c', timestamp: '', text: 'late' });
    const all = events();
    expect(all.slice(1)).toEqual([
      {
        event: 'log',
        resource: 'hello',
        pod: 'hello-7d9c6b5f4-x2k8q',
        container: 'web',
        timestamp: '2026-01-01T00:00:03Z',
        text: 'listening on :8080',
      },
      { event: 'notice', message: 'configuration changed: reloading' },
      { event: 'exit', code: 1 },
    ]);
    expect(Object.keys(all[1] ?? {})).toEqual(['event', 'resource', 'pod', 'container', 'timestamp', 'text']);
  });

  it('leaves the reason out of a problem message that starts with it', () => {
    const { store, events } = setup();
    const problem = { stage: 'rollout', reason: 'crash-loop', message: 'crash-loop: container web exited with code 1' } as const;
    store.dispatch({ type: 'resource-failed', at: t0, resource: 'hello', problem });
    expect(events()[0]).toMatchObject({
      event: 'resource-failed',
      problem: { reason: 'crash-loop', message: 'container web exited with code 1' },
    });
  });

  it('keeps each event on one line even when text has newlines', () => {
    const { logs, sink } = setup();
    logs.append({ resource: 'hello', pod: 'p', container: 'c', timestamp: '', text: 'a\nb' });
    expect(sink.text().split('\n')).toHaveLength(2);
  });
});
