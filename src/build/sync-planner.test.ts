import { describe, expect, it } from 'vitest';
import type { ResolvedImage } from '../config/resolved-config.ts';
import { FakeRunner } from '../system/fake-runner.ts';
import { MemoryFileSystem } from '../system/memory-file-system.ts';
import { DockerBuilder } from './docker-builder.ts';
import { DockerImages } from './docker-images.ts';
import { HashIndex } from './hash-index.ts';
import { resolvedImage } from './resolved-image.test-support.ts';
import { LiveUpdatePlanner, liveUpdateOf, planLiveUpdates } from './sync-planner.ts';

const web: ResolvedImage = resolvedImage('web', {
  sync: [{ from: './site/', to: '/srv' }],
  run: [{ command: ['nginx', '-s', 'reload'], when: ['**/*.conf'] }],
});

async function planner(image: ResolvedImage = web) {
  const fs = new MemoryFileSystem()
    .put('/p/web/Dockerfile', 'FROM nginx\nCOPY site /srv\n')
    .put('/p/web/site/index.html', '<h1>hi</h1>\n')
    .put('/p/web/site/nginx.conf', 'server {}\n');
  const images = new DockerImages({
    config: { images: { web: image } },
    fs,
    index: await HashIndex.open({ fs }),
    docker: new DockerBuilder({ runner: new FakeRunner().on('docker', { exitCode: 1 }) }),
  });
  expect((await images.plan([])).ok).toBe(true);
  return new LiveUpdatePlanner({ config: { images: { web: image } }, latestPlan: (name) => images.latestPlan(name) });
}

describe('LiveUpdatePlanner', () => {
  it('copies a covered edit to its container path, runs a step only when its glob matches, and deletes what was deleted', async () => {
    const live = await planner();
    const page = await live.planSync('web', [{ path: '/p/web/site/index.html', kind: 'change' }]);
    expect(page).toMatchObject({
      kind: 'sync',
      files: [{ localPath: '/p/web/site/index.html', containerPath: '/srv/index.html', kind: 'write' }],
      runs: [],
    });
    const conf = await live.planSync('web', [{ path: '/p/web/site/nginx.conf', kind: 'change' }]);
    expect(conf).toMatchObject({ kind: 'sync', runs: [['nginx', '-s', 'reload']] });
    const gone = await live.planSync('web', [{ path: '/p/web/site/index.html', kind: 'unlink' }]);
    expect(gone).toMatchObject({ kind: 'sync', files: [{ containerPath: '/srv/index.html', kind: 'delete' }] });
    expect(gone?.key).toBe(page?.key);
  });

  it('rebuilds, saying why, when the Dockerfile changes', async () => {
    const live = await planner();
    const plan = await live.planSync('web', [{ path: '/p/web/Dockerfile', kind: 'change' }]);
    expect(plan?.kind).toBe('rebuild');
    expect(plan?.kind === 'rebuild' && plan.why).toMatch(/Dockerfile/);
  });

  it('has no answer for an image without live update, with it turned off, or not planned', async () => {
    const { sync: _sync, run: _run, ...plain } = web;
    expect(await (await planner(plain)).planSync('web', [{ path: '/p/web/site/index.html', kind: 'change' }])).toBeUndefined();
    expect(liveUpdateOf({ ...web, syncMode: 'off' })).toBeUndefined();
    expect(await (await planner()).planSync('api', [])).toBeUndefined();
  });
});

describe('planLiveUpdates', () => {
  it('answers for the images the plan rebuilds, taking paths relative to the context and gone ones as deleted', async () => {
    const fs = new MemoryFileSystem().put('/p/web/Dockerfile', 'FROM nginx\nCOPY site /srv\n').put('/p/web/site/index.html', 'hi\n');
    const images = new DockerImages({
      config: { images: { web } },
      fs,
      index: await HashIndex.open({ fs }),
      docker: new DockerBuilder({ runner: new FakeRunner().on('docker', { exitCode: 1 }) }),
    });
    await images.plan([]);
    const plan = images.latestPlan('web');
    if (!plan) throw new Error('no plan');
    const live = await planLiveUpdates({ fs, images: [web], plans: [plan], changed: ['site/index.html', 'site/gone.html'] });
    expect(live.get('web')).toMatchObject({
      kind: 'sync',
      files: [
        { localPath: '/p/web/site/index.html', containerPath: '/srv/index.html', kind: 'write' },
        { localPath: '/p/web/site/gone.html', containerPath: '/srv/gone.html', kind: 'delete' },
      ],
    });
    expect((await planLiveUpdates({ fs, images: [web], plans: [{ ...plan, rebuild: false }], changed: ['site/index.html'] })).size).toBe(0);
  });
});
