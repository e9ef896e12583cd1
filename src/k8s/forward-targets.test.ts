import { describe, expect, it } from 'vitest';
import { forwardTargets } from './forward-targets.ts';
import type { Pod } from './kube-types.ts';
import { pod } from './pod-fixtures.test-support.ts';

const at = (p: Pod, creationTimestamp: string, extra: Partial<Pod['metadata']> = {}): Pod => ({
  ...p,
  metadata: { ...p.metadata, creationTimestamp, ...extra },
});
const running = (name: string, ready: boolean): Pod => {
  const p = pod({ name, ready, status: { started: true, state: { running: {} } } });
  return { ...p, status: { ...p.status, phase: 'Running' } };
};

describe('forwardTargets', () => {
  it('puts a pod whose containers the API does not report running yet first, then the running and the ready one', () => {
    const targets = forwardTargets([
      at(running('old', true), '2026-12-02T10:00:00Z'),
      at(running('mid', false), '2026-12-02T10:01:00Z'),
      at(pod({ name: 'new' }), '2026-12-02T10:02:00Z'),
    ]);
    expect(targets).toEqual([
      { pod: 'new', stage: 'starting' },
      { pod: 'mid', stage: 'running' },
      { pod: 'old', stage: 'ready' },
    ]);
  });

  it('tries no pod early that is not on a node, stuck, exited or being deleted', () => {
    const unscheduled = pod({ name: 'unscheduled' });
    const old = at(running('old', true), '2026-12-02T10:00:00Z');
    for (const newer of [
      { ...unscheduled, spec: { ...unscheduled.spec, containers: unscheduled.spec?.containers ?? [], nodeName: undefined } } as Pod,
      pod({ name: 'pull', status: { state: { waiting: { reason: 'ImagePullBackOff' } } } }),
      pod({ name: 'crash', status: { state: { waiting: { reason: 'CrashLoopBackOff' } } } }),
      pod({ name: 'exited', status: { state: { terminated: { exitCode: 1 } } } }),
      at(pod({ name: 'deleting' }), '2026-12-02T10:02:00Z', { deletionTimestamp: '2026-12-02T10:03:00Z' }),
    ]) {
      expect(forwardTargets([old, at(newer, '2026-12-02T10:02:00Z')]), newer.metadata.name).toEqual([{ pod: 'old', stage: 'ready' }]);
    }
  });

  it('orders pods created within the same second by when they were first seen', () => {
    const same = '2026-12-02T10:00:00Z';
    const pods = [at(running('a', true), same), at(running('b', true), same)];
    expect(
      forwardTargets(
        pods,
        new Map([
          ['a', 1],
          ['b', 2],
        ]),
      )[0]?.pod,
    ).toBe('b');
    expect(
      forwardTargets(
        pods,
        new Map([
          ['a', 2],
          ['b', 1],
        ]),
      )[0]?.pod,
    ).toBe('a');
  });

  it('has no target without pods on a node', () => {
    expect(forwardTargets([])).toEqual([]);
  });
});
