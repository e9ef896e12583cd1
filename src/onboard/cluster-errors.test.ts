import { describe, expect, it } from 'vitest';
import { clusterErrorText } from './cluster-errors.ts';

describe('clusterErrorText', () => {
  it('gives k3d’s install help, or the message with what to do', () => {
    expect('help' in clusterErrorText({ reason: 'k3d-not-installed' })).toBe(true);
    expect(
      clusterErrorText({ reason: 'k3d-failed', command: ['k3d', 'cluster', 'delete', '--', 'dev'], detail: 'no such cluster' }),
    ).toEqual({
      message: 'k3d cluster delete -- dev failed: no such cluster',
    });
    expect(clusterErrorText({ reason: 'cluster-not-ready', context: 'k3d-dev', waitedMs: 90_400, detail: 'no Ready node' })).toEqual({
      message: 'k3d-dev not ready after 90 s: no Ready node',
      hint: 'look at `docker ps` and `docker logs` of the server node, then `devloop cluster status`',
    });
    expect(
      clusterErrorText({ reason: 'registry-pull-failed', image: 'r/probe:1', waitingReason: 'ErrImagePull', detail: 'not found' }),
    ).toMatchObject({
      hint: 'the nodes must reach the registry by that name: recreate the cluster with `devloop cluster delete && devloop cluster create`',
    });
  });
});
