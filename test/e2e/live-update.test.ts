import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Action } from '../../src/engine/actions.ts';
import { type E2eLoop, startE2eLoop } from '../support/e2e-loop.ts';
import { type E2eProject, e2eProject, eventually } from '../support/e2e-project.ts';
import { describeWithCluster } from '../support/environment.ts';

/** The example's Dockerfile with /srv and the page files owned by the user the container runs as. */
function writableSrv(dockerfile: string, extra = ''): string {
  return dockerfile
    .replace('WORKDIR /srv\n', `WORKDIR /srv\n${extra}RUN chown 10001:10001 /srv\n`)
    .replace('COPY site/ /srv/', 'COPY --chown=10001:10001 site/ /srv/');
}

const syncConfig = { images: { 'hello-web': { context: 'app', sync: [{ from: 'site', to: '/srv' }] } } };

/** Status and body of a page through the port forward; undefined while nothing answers. */
async function get(port: number, page: string): Promise<{ status: number; body: string } | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/${page}`, { signal: AbortSignal.timeout(3000) });
    return { status: response.status, body: await response.text() };
  } catch {
    return undefined;
  }
}

const served = (project: E2eProject, page: string, text: string, timeoutMs = 30_000) =>
  eventually(`${page} serving "${text}"`, async () => ((await get(project.port, page))?.body.includes(text) ? true : undefined), timeoutMs);

const since = (actions: readonly Action[], from: number) => actions.slice(from);

describeWithCluster('live update on the example app', (env) => {
  describe('an image whose /srv the container user owns, with a run step', () => {
    let project: E2eProject;
    let loop: E2eLoop;

    beforeAll(async () => {
      const run = [{ command: ['sh', '-c', 'cp /srv/index.html /srv/copy.html'], when: ['site/index.html'] }];
      project = e2eProject(env, { config: { images: { 'hello-web': { ...syncConfig.images['hello-web'], run } } } });
      const dockerfile = path.join(project.dir, 'app/Dockerfile');
      writeFileSync(dockerfile, writableSrv(readFileSync(dockerfile, 'utf8')));
      loop = await startE2eLoop(project);
    }, 120_000);

    afterAll(async () => {
      await loop?.stop();
      project?.remove();
    });

    it('serves a synced edit without a build or a rollout, as a sync iteration in the JSON output', async () => {
      await served(project, '', 'hello from devloop');
      const deployed = loop.store.getState().resources.hello?.deployedTags['hello-web'];
      const from = loop.actions.length;
      const nonce = Math.random().toString(36).slice(2);
      project.write('app/site/index.html', `<h1>synced ${nonce}</h1>\n`);
      await served(project, '', `synced ${nonce}`, 10_000);
      // The run step (its `when` matches index.html) ran after the copy.
      await served(project, 'copy.html', `synced ${nonce}`, 5_000);
      const actions = since(loop.actions, from);
      expect(actions.filter((a) => a.type === 'build-started' || a.type === 'deploy-started')).toEqual([]);
      const completed = actions.find((a) => a.type === 'sync-completed');
      expect(completed).toMatchObject({ resource: 'hello', files: ['/srv/index.html'], resync: false });
      expect(completed?.type === 'sync-completed' && completed.pods).toHaveLength(1);
      const hello = loop.store.getState().resources.hello;
      expect(hello?.deployedTags['hello-web']).toBe(deployed);
      expect(hello?.syncedTags?.['hello-web']).toBeDefined();
      expect(hello?.timeline?.phases.map((p) => p.name)).toEqual(['plan', 'sync']);
      expect(loop.events().some((e) => e.event === 'iteration-completed' && e.kind === 'sync')).toBe(true);
      expect(
        loop.events().some((e) => e.event === 'sync-completed' && typeof e.bytes === 'number' && typeof e.durationMs === 'number'),
      ).toBe(true);
    });

    it('a deleted file disappears from the container', async () => {
      const from = loop.actions.length;
      project.write('app/site/extra.html', 'extra page\n');
      await served(project, 'extra.html', 'extra page', 10_000);
      rmSync(path.join(project.dir, 'app/site/extra.html'));
      const status = await eventually('extra.html to be gone', async () => {
        const r = await get(project.port, 'extra.html');
        return r && r.status === 404 ? r.status : undefined;
      });
      expect(status).toBe(404);
      const actions = since(loop.actions, from);
      expect(actions.filter((a) => a.type === 'build-started')).toEqual([]);
      expect(actions).toContainEqual(expect.objectContaining({ type: 'sync-completed', files: ['/srv/extra.html'] }));
    });

    it('a file no rule covers rebuilds, and says why', async () => {
      const from = loop.actions.length;
      const conf = path.join(project.dir, 'app/httpd.conf');
      writeFileSync(conf, `${readFileSync(conf, 'utf8')}\n`);
      await eventually('the rebuild to be ready', () =>
        since(loop.actions, from).some((a) => a.type === 'resource-ready' && !a.unchanged) ? true : undefined,
      );
      const actions = since(loop.actions, from);
      expect(actions).toContainEqual(expect.objectContaining({ type: 'sync-skipped', why: 'httpd.conf is not synced' }));
      expect(actions.some((a) => a.type === 'build-started')).toBe(true);
      // The new image holds every synced file: nothing is ahead of it any more.
      expect(loop.store.getState().resources.hello?.syncedTags).toEqual({});
    });

    it('a pod deleted by hand comes back with the synced files', async () => {
      const nonce = Math.random().toString(36).slice(2);
      project.write('app/site/index.html', `<h1>before the pod goes ${nonce}</h1>\n`);
      await served(project, '', `before the pod goes ${nonce}`, 10_000);
      const pods = () =>
        (
          JSON.parse(project.kubectl(['-n', project.namespace, 'get', 'pods', '-l', 'app=hello', '-o', 'json'])) as {
            items: {
              metadata: { name: string; deletionTimestamp?: string };
              status?: { conditions?: { type: string; status: string }[] };
            }[];
          }
        ).items.filter((p) => !p.metadata.deletionTimestamp);
      const ready = (p: ReturnType<typeof pods>[number]) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
      const before = pods().find(ready)?.metadata.name ?? 'missing';
      project.kubectl(['-n', project.namespace, 'delete', 'pod', '--wait=false', before]);
      const pod = await eventually(
        'a new ready pod',
        () => pods().find((p) => ready(p) && p.metadata.name !== before)?.metadata.name,
        60_000,
      );
      const content = await eventually('the new pod to hold the synced page', () => {
        const text = project.kubectl(['-n', project.namespace, 'exec', pod, '--', 'cat', '/srv/index.html']);
        return text.includes(nonce) ? text : undefined;
      });
      expect(content).toContain(`before the pod goes ${nonce}`);
      // The run step ran again in the new pod.
      await served(project, 'copy.html', `before the pod goes ${nonce}`, 10_000);
      expect(loop.actions).toContainEqual(expect.objectContaining({ type: 'sync-completed', resync: true }));
    });
  });

  describe('an image running as 10001 with a root-owned /srv', () => {
    let project: E2eProject;
    let loop: E2eLoop;

    beforeAll(async () => {
      project = e2eProject(env, { config: syncConfig });
      loop = await startE2eLoop(project);
    }, 120_000);

    afterAll(async () => {
      await loop?.stop();
      project?.remove();
    });

    it('serves every one of 10 edits by rebuilding, and explains the problem once with its fix', async () => {
      for (let i = 0; i < 10; i++) {
        const text = `root-owned edit ${i} ${Math.random().toString(36).slice(2)}`;
        project.write('app/site/index.html', `<h1>${text}</h1>\n`);
        await served(project, '', text, 60_000);
      }
      const failures = loop.actions.filter((a) => a.type === 'sync-failed');
      expect(failures).toHaveLength(1);
      const [failure] = failures;
      expect(failure?.type === 'sync-failed' && failure.problem.message).toMatch(/\/srv is owned by root and the container runs as 10001/);
      expect(failure?.type === 'sync-failed' && failure.problem.fix).toMatch(/COPY --chown=10001:\d+ .*RUN chown -R 10001:\d+ \/srv/);
      expect(failure?.type === 'sync-failed' && failure.lasting).toBe(true);
    }, 300_000);
  });

  describe('an image without tar', () => {
    let project: E2eProject;
    let loop: E2eLoop;

    beforeAll(async () => {
      project = e2eProject(env, { config: syncConfig });
      const dockerfile = path.join(project.dir, 'app/Dockerfile');
      writeFileSync(dockerfile, writableSrv(readFileSync(dockerfile, 'utf8'), 'RUN rm /bin/tar\n'));
      loop = await startE2eLoop(project);
    }, 120_000);

    afterAll(async () => {
      await loop?.stop();
      project?.remove();
    });

    it('falls back to a rebuild with a clear message', async () => {
      const text = `no tar ${Math.random().toString(36).slice(2)}`;
      project.write('app/site/index.html', `<h1>${text}</h1>\n`);
      await served(project, '', text, 60_000);
      const failure = loop.actions.find((a) => a.type === 'sync-failed');
      expect(failure).toMatchObject({
        problem: { reason: 'sync-no-tar', message: expect.stringContaining('the image has no tar') },
        lasting: true,
      });
      expect(loop.actions.some((a) => a.type === 'build-started')).toBe(true);
    }, 120_000);
  });
});
