import { describe, expect, it } from 'vitest';
import { FakeRunner } from '../system/fake-runner.ts';
import { MemoryFileSystem } from '../system/memory-file-system.ts';
import { DockerBuilder } from './docker-builder.ts';
import { DockerImages } from './docker-images.ts';
import { HashIndex } from './hash-index.ts';
import { resolvedImage } from './resolved-image.test-support.ts';

const api = resolvedImage('api');

/** A classic Docker engine that remembers what it built; `fail` makes the next build fail at step 2. */
function engine() {
  const built = new Set<string>();
  const state = { fail: false };
  const runner = new FakeRunner()
    .on('docker buildx', { exitCode: 1 })
    .on('docker image', (args) => (args[1] === 'ls' ? { stdout: '' } : { exitCode: built.has(args.at(-1) ?? '') ? 0 : 1 }))
    .on('docker build', (args) => {
      if (state.fail) return { exitCode: 1, stdout: 'Step 1/2 : FROM busybox\nStep 2/2 : RUN false\n', stderr: 'exit code 1\n' };
      for (const [i, arg] of args.entries()) if (arg === '-t') built.add(args[i + 1] ?? '');
      return { stdout: 'Step 1/2 : FROM busybox\nStep 2/2 : COPY app /app\n' };
    });
  return { runner, built, state };
}

async function setup(options: { alsoTag?: (image: string, tag: string) => readonly string[] } = {}) {
  const fs = new MemoryFileSystem().put('/p/api/Dockerfile', 'FROM busybox\nCOPY app /app\n').put('/p/api/app/main.py', 'print(1)\n');
  const docker = engine();
  const index = await HashIndex.open({ fs, file: '/cache/hash-index.json' });
  const images = new DockerImages({
    config: { images: { api } },
    fs,
    index,
    docker: new DockerBuilder({ runner: docker.runner }),
    ...options,
  });
  return { fs, docker, images };
}

const signal = new AbortController().signal;
const quiet = { signal, onLine: () => undefined };

describe('DockerImages', () => {
  it('plans a rebuild, builds it, and plans the built digest fresh from then on', async () => {
    const { images, docker } = await setup();
    const first = await images.plan([]);
    if (!first.ok) throw new Error(first.error.message);
    const [plan] = first.value;
    expect(plan).toMatchObject({ image: 'api', rebuild: true, explanation: 'no image with this content digest yet' });
    if (!plan) throw new Error('no plan');
    const built = await images.build(plan, quiet);
    expect(built.ok && built.value).toEqual({ image: 'api', ref: plan.reference, tag: plan.tag, cached: false, builder: 'classic' });
    expect(docker.built.has(plan.reference)).toBe(true);
    const again = await images.plan([]);
    expect(again.ok && again.value[0]).toMatchObject({ rebuild: false, tag: plan.tag });
    expect(images.latestPlan('api')?.reference).toBe(plan.reference);
  });

  it('builds from the plan of the pass before the newest, when a newer batch planned meanwhile', async () => {
    const { images, fs } = await setup();
    const first = await images.plan([]);
    const older = first.ok ? first.value[0] : undefined;
    if (!older) throw new Error('no plan');
    fs.put('/p/api/app/main.py', 'print(2)\n');
    const second = await images.plan([{ path: '/p/api/app/main.py', kind: 'change' }]);
    expect(second.ok && second.value[0]?.tag).not.toBe(older.tag);
    expect((await images.build(older, quiet)).ok).toBe(true);
  });

  it('looks at only the changed paths again, or at everything when asked to rescan (a local command wrote files)', async () => {
    const { images, fs } = await setup();
    const first = await images.plan([]);
    const tag = first.ok ? first.value[0]?.tag : undefined;
    fs.put('/p/api/app/generated.py', 'GENERATED = True\n');
    const unnamed = await images.plan([]);
    expect(unnamed.ok && unnamed.value[0]?.tag).toBe(tag);
    const rescanned = await images.plan([], { rescan: true });
    expect(rescanned.ok && rescanned.value[0]?.tag).not.toBe(tag);
  });

  it('refuses to build a plan it did not make', async () => {
    const { images } = await setup();
    const first = await images.plan([]);
    const plan = first.ok ? first.value[0] : undefined;
    if (!plan) throw new Error('no plan');
    const built = await images.build({ ...plan, tag: 'devloop-000000000000' }, quiet);
    expect(!built.ok && built.error).toEqual({ stage: 'build', reason: 'build-not-planned', message: 'image api was not planned' });
  });

  it('builds under the other names asked for, and a failed build is a problem with its fix', async () => {
    const { images, docker } = await setup({ alsoTag: (image, tag) => [`localhost:5000/${image}:${tag}`] });
    const first = await images.plan([]);
    const plan = first.ok ? first.value[0] : undefined;
    if (!plan) throw new Error('no plan');
    docker.state.fail = true;
    const failed = await images.build(plan, quiet);
    expect(!failed.ok && failed.error).toMatchObject({
      stage: 'build',
      reason: 'build-failed',
      fix: 'fix the error above and save; the running pods keep the previous image',
    });
    docker.state.fail = false;
    expect((await images.build(plan, quiet)).ok).toBe(true);
    expect(docker.built).toContain(`localhost:5000/api:${plan.tag}`);
  });

  it('an image that cannot be planned stops the plan with its reason: a broken Dockerfile, or images that build FROM each other', async () => {
    const { images, fs } = await setup();
    fs.put('/p/api/Dockerfile', 'COPY app /app\n');
    const broken = await images.plan([{ path: '/p/api/Dockerfile', kind: 'change' }]);
    expect(!broken.ok && broken.error).toMatchObject({ stage: 'plan', reason: 'dockerfile-invalid' });

    const fs2 = new MemoryFileSystem().put('/p/api/Dockerfile', 'FROM busybox\n').put('/p/base/Dockerfile', 'FROM busybox\n');
    const base = resolvedImage('base', { dependsOn: ['api'] });
    const cyclic = new DockerImages({
      config: { images: { api: { ...api, dependsOn: ['base'] }, base } },
      fs: fs2,
      index: await HashIndex.open({ fs: fs2 }),
      docker: new DockerBuilder({ runner: engine().runner }),
    });
    const cycle = await cyclic.plan([]);
    expect(!cycle.ok && cycle.error).toMatchObject({ stage: 'plan', reason: 'dependency-cycle' });
  });
});
