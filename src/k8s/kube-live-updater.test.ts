import { describe, expect, it } from 'vitest';
import { MemoryFileSystem } from '../system/memory-file-system.ts';
import { FakeKubeClient } from './fake-kube-client.ts';
import type { ExecRequest } from './kube-client.ts';
import { KubeLiveUpdater } from './kube-live-updater.ts';
import type { KubeObject } from './kube-types.ts';
import { readyPod } from './pod-fixtures.test-support.ts';

const web: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: { spec: { containers: [{ name: 'app', image: 'web' }], initContainers: [{ name: 'init', image: 'web' }] } },
  },
};

function setup() {
  const client = new FakeKubeClient();
  const execs: ExecRequest[] = [];
  client.execAnswer = (request) => {
    execs.push(request);
    return { exitCode: 0, stdout: '', stderr: '' };
  };
  const fs = new MemoryFileSystem().put('/p/site/index.html', '<h1>hi</h1>\n');
  const updater = new KubeLiveUpdater({
    client,
    config: {
      cluster: { namespace: 'dev' },
      images: { web: { repository: 'web' } },
      resources: { web: { workload: { kind: 'Deployment', name: 'web' }, containers: {}, portForwards: [] } },
    },
    objects: [web],
    fs,
  });
  return { client, execs, updater };
}

const signal = new AbortController().signal;
const request = {
  resource: 'web',
  image: 'web',
  files: [
    { localPath: '/p/site/index.html', containerPath: '/srv/index.html', kind: 'write' as const },
    { localPath: '/p/site/old.html', containerPath: '/srv/old.html', kind: 'delete' as const },
  ],
  runs: [['nginx', '-s', 'reload']],
};

describe('KubeLiveUpdater', () => {
  it('copies into the app container of every ready pod (never the init container, never a pod being deleted), then runs the steps', async () => {
    const { client, execs, updater } = setup();
    client.put(readyPod('web-1'));
    client.put(readyPod('web-2'));
    client.put(readyPod('web-3', undefined, { deletionTimestamp: '2026-11-23T10:00:00Z' }));
    const synced = await updater.sync(request, signal);
    updater.stopAll();
    expect(synced.ok && synced.value.pods).toEqual(['web-1', 'web-2']);
    expect(synced.ok && synced.value.files).toBe(2);
    expect(synced.ok && synced.value.bytes).toBeGreaterThan(0);
    const byPod = (name: string) => execs.filter((e) => e.pod === name).map((e) => `${e.container}: ${e.command.join(' ')}`);
    expect(byPod('web-1')).toEqual(['app: rm -rf -- /srv/old.html', 'app: tar -x -C / -f -', 'app: nginx -s reload']);
    expect(byPod('web-2')).toHaveLength(3);
    expect(byPod('web-3')).toEqual([]);
  });

  it('lists pods only until its watch knows them', async () => {
    const { client, updater } = setup();
    client.put(readyPod('web-1'));
    await updater.sync(request, signal);
    await new Promise((r) => setTimeout(r, 5));
    await updater.sync(request, signal);
    updater.stopAll();
    expect(client.calls.filter((c) => c.method === 'list')).toHaveLength(1);
    expect(client.calls.filter((c) => c.method === 'watch')).toHaveLength(1);
  });

  it('has no target without a ready pod, or for a resource without a workload; neither lasts', async () => {
    const { updater } = setup();
    const none = await updater.sync(request, signal);
    expect(!none.ok && none.error).toEqual({
      problem: {
        stage: 'sync',
        reason: 'sync-no-target',
        message: 'no ready pod of web runs web',
        fix: 'nothing to do: the rebuild brings it up with the current files',
      },
      lasting: false,
    });
    const unknown = await updater.sync({ ...request, resource: 'api' }, signal);
    expect(!unknown.ok && unknown.error.problem.message).toBe('no workload with a label selector for api');
    updater.stopAll();
  });

  it('says a failure that will happen on every sync lasts: an image without tar', async () => {
    const { client, updater } = setup();
    client.put(readyPod('web-1'));
    client.execAnswer = () => ({ exitCode: 1, stdout: '', stderr: '', message: 'exec: "tar": executable file not found in $PATH' });
    const failed = await updater.sync({ ...request, files: request.files.slice(0, 1) }, signal);
    updater.stopAll();
    expect(!failed.ok && failed.error.lasting).toBe(true);
    expect(!failed.ok && failed.error.problem).toMatchObject({ stage: 'sync', reason: 'sync-no-tar' });
  });
});
