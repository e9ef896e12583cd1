import { describe, expect, it } from 'vitest';
import { FakeRunner } from '../system/fake-runner.ts';
import { MemoryFileSystem } from '../system/memory-file-system.ts';
import { buildImages } from './build-images.ts';
import { BuildRecordStore } from './build-record.ts';
import { DockerBuilder } from './docker-builder.ts';
import { HashIndex } from './hash-index.ts';
import { planImages } from './plan-images.ts';
import { resolvedImage } from './resolved-image.test-support.ts';

const image = resolvedImage;

const images = [image('api', { dependsOn: ['base'], ignore: ['tmp/**'] }), image('base')];

function project(): MemoryFileSystem {
  return new MemoryFileSystem()
    .put('/p/base/Dockerfile', 'FROM busybox:1.36\nCOPY tools /tools\n')
    .put('/p/base/tools/run.sh', 'echo run\n')
    .put(
      '/p/api/Dockerfile',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Dockerfile text, not a template
      'ARG BASE=base\nFROM ${BASE}\nWORKDIR /srv\nCOPY requirements.txt .\nRUN true\nCOPY ./app ./app\nCMD ["run"]\n',
    )
    .put('/p/api/.dockerignore', '**/*.pyc\n')
    .put('/p/api/requirements.txt', 'flask\n')
    .put('/p/api/app/main.py', 'print(1)\n')
    .put('/p/api/README.md', 'hi\n');
}

/** A fake docker engine: remembers what it built. */
function engine(): FakeRunner {
  const built = new Set<string>();
  return new FakeRunner()
    .on('docker buildx', { exitCode: 1 })
    .on('docker image', (args) =>
      args[1] === 'ls'
        ? {
            stdout: [...built]
              .flatMap((ref) => (ref.startsWith(`${args.at(-1)}:`) ? [ref.slice(ref.lastIndexOf(':') + 1)] : []))
              .join('\n'),
          }
        : { exitCode: built.has(args.at(-1) ?? '') ? 0 : 1 },
    )
    .on('docker build', (args) => {
      built.add(args[args.indexOf('-t') + 1] ?? '');
      return { stdout: 'Step 1/1 : FROM busybox\n' };
    });
}

const dockerCalls = (runner: FakeRunner) => runner.calls.filter((c) => c.command === 'docker').length;

describe('planImages + buildImages', () => {
  it('builds once, then a restart, a same-content save, an ignored or unselected change call docker zero times', async () => {
    const fs = project();
    const runner = engine();
    const records = new BuildRecordStore({ fs, cacheDir: '/cache' });
    const index = await HashIndex.open({ fs, file: '/cache/hash-index.json' });
    const builder = new DockerBuilder({ runner });
    const first = await planImages({ images, fs, index, builder, records });
    if (!('plans' in first)) throw new Error('cycle');
    expect(first.plans.map((p) => [p.name, p.decision.kind, p.dependencies])).toEqual([
      ['api', 'rebuild', ['base']],
      ['base', 'rebuild', []],
    ]);
    const outcomes = await buildImages({ plans: first.plans, builder, records, concurrency: 2 });
    expect([...outcomes.values()].map((o) => o.kind)).toEqual(['built', 'built']);
    const apiBuild = runner.calls.find((c) => c.args[0] === 'build' && c.args.includes('/p/api'));
    const baseRef = first.plans.find((p) => p.name === 'base')?.reference;
    expect(apiBuild?.args).toContain('BASE');
    expect(apiBuild?.options.env?.BASE).toBe(baseRef);
    expect(first.plans[0]?.tag).toMatch(/^devloop-[0-9a-f]{12}$/);
    await index.save();

    // Restart: new index from disk, new builder; docker only answers "exists".
    const restartRunner = engine();
    for (const p of first.plans) await restartRunner.run('docker', ['build', '-t', p.reference]);
    restartRunner.calls.length = 0;
    fs.reads.length = 0;
    const index2 = await HashIndex.open({ fs, file: '/cache/hash-index.json' });
    const builder2 = new DockerBuilder({ runner: restartRunner });
    const second = await planImages({ images, fs, index: index2, builder: builder2, records });
    if (!('plans' in second)) throw new Error('cycle');
    expect(second.plans.map((p) => p.decision)).toEqual([
      { kind: 'fresh', reason: 'image-exists' },
      { kind: 'fresh', reason: 'image-exists' },
    ]);
    expect(fs.reads.filter((r) => !r.endsWith('.json') && !r.endsWith('Dockerfile') && !r.endsWith('.dockerignore'))).toEqual([]);
    await buildImages({ plans: second.plans, builder: builder2, records, concurrency: 2 });
    expect(restartRunner.calls.filter((c) => c.args[0] === 'build')).toEqual([]);
    const afterRestart = dockerCalls(restartRunner);

    // Same-content save, ignored file, unselected file: no docker call at all.
    fs.put('/p/api/app/main.py', 'print(1)\n', { mtimeNs: '42' });
    fs.put('/p/api/app/x.pyc', 'bytecode');
    fs.put('/p/api/README.md', 'changed\n');
    index2.invalidate(['/p/api/app/main.py']);
    const third = await planImages({ images, fs, index: index2, builder: builder2, records });
    if (!('plans' in third)) throw new Error('cycle');
    expect(third.plans.every((p) => !p.rebuild)).toBe(true);
    expect(dockerCalls(restartRunner)).toBe(afterRestart);
  });

  it('names the step a rebuild starts from, from the last build record', async () => {
    const fs = project();
    const runner = engine();
    const records = new BuildRecordStore({ fs, cacheDir: '/cache' });
    const index = await HashIndex.open({ fs });
    const builder = new DockerBuilder({ runner });
    const first = await planImages({ images, fs, index, builder, records });
    if (!('plans' in first)) throw new Error('cycle');
    await buildImages({ plans: first.plans, builder, records, concurrency: 1 });
    fs.put('/p/api/app/main.py', 'print(2)\n', { mtimeNs: '43' });
    const second = await planImages({ images, fs, index, builder, records });
    if (!('plans' in second)) throw new Error('cycle');
    const api = second.plans.find((p) => p.name === 'api');
    expect(api?.decision).toEqual({
      kind: 'rebuild',
      reason: 'inputs-changed',
      changedInputs: ['app/main.py'],
      firstInvalidatedStep: { index: 6, line: 6, instruction: 'COPY', text: 'COPY ./app ./app' },
    });
    expect(api?.totalSteps).toBe(7);
    fs.put('/p/base/tools/run.sh', 'echo changed\n', { mtimeNs: '44' });
    const third = await planImages({ images, fs, index, builder, records });
    if (!('plans' in third)) throw new Error('cycle');
    expect(third.plans.map((p) => [p.name, p.firstInvalidatedStep?.index])).toEqual([
      ['api', 2],
      ['base', 2],
    ]);
  });

  it('answers --changed hypothetically without docker', async () => {
    const fs = project();
    const runner = engine();
    const index = await HashIndex.open({ fs });
    const result = await planImages({ images, fs, index, changedPaths: ['/p/base/tools/run.sh'] });
    if (!('plans' in result)) throw new Error('cycle');
    expect(
      result.plans.map((p) => [p.name, p.rebuild, p.firstInvalidatedStep?.index, p.decision.kind === 'rebuild' && p.decision.reason]),
    ).toEqual([
      ['api', true, 2, 'base-rebuilt'],
      ['base', true, 2, 'inputs-changed'],
    ]);
    expect(dockerCalls(runner)).toBe(0);
  });

  it('walks a context once for images that read the same sources through the same ignore file', async () => {
    const fs = project()
      .put('/p/api/api2.Dockerfile', 'FROM busybox:1.36\nCOPY ./app ./srv/app\n')
      .put('/p/api/api3.Dockerfile', 'FROM busybox:1.36\nCOPY requirements.txt /\n');
    const statNow = fs.statNow.bind(fs);
    const stats: string[] = [];
    fs.statNow = (file) => {
      stats.push(file);
      return statNow(file);
    };
    const api2 = image('api2', { context: '/p/api', dockerfile: '/p/api/api2.Dockerfile' });
    const api3 = image('api3', { context: '/p/api', dockerfile: '/p/api/api3.Dockerfile' });
    const index = await HashIndex.open({ fs });
    const alone = await planImages({ images: [api2], fs, index });
    const appStats = stats.filter((f) => f.startsWith('/p/api/app')).length;
    stats.length = 0;
    const together = await planImages({ images: [api2, { ...api2, name: 'api2b', repository: 'api2b' }, api3], fs, index });
    if (!('plans' in together) || !('plans' in alone)) throw new Error('cycle');
    expect(stats.filter((f) => f.startsWith('/p/api/app')).length).toBe(appStats);
    expect(together.plans.map((p) => p.digest)).toEqual([alone.plans[0]?.digest, alone.plans[0]?.digest, expect.any(String)]);
    expect(together.plans[2]?.inputs.files.map((f) => f.path)).toEqual(['requirements.txt']);
  });

  it('reports a dependency cycle and a missing Dockerfile', async () => {
    const fs = project();
    const index = await HashIndex.open({ fs });
    const cycle = await planImages({ images: [image('a', { dependsOn: ['b'] }), image('b', { dependsOn: ['a'] })], fs, index });
    expect(cycle).toEqual({ failure: { reason: 'dependency-cycle', cycle: ['a', 'b', 'a'] } });
    const missing = await planImages({ images: [image('nope')], fs, index });
    expect('plans' in missing && missing.plans[0]?.decision).toMatchObject({
      kind: 'invalid',
      diagnostics: [{ code: 'dockerfile-missing' }],
    });
  });

  it('says it cannot predict a Dockerfile built by another frontend, and rebuilds from step 1 on any context change', async () => {
    const fs = new MemoryFileSystem()
      .put('/p/web/Dockerfile', '# syntax=example.com/frontends/yaml:2\nFROM busybox:1.36\nCOPY a.txt /a\n')
      .put('/p/web/a.txt', 'a\n')
      .put('/p/web/notes.txt', 'n\n');
    const web = image('web');
    const runner = engine();
    const records = new BuildRecordStore({ fs, cacheDir: '/cache' });
    const index = await HashIndex.open({ fs, file: '/cache/hash-index.json' });
    const builder = new DockerBuilder({ runner });
    const first = await planImages({ images: [web], fs, index, builder, records });
    if (!('plans' in first)) throw new Error('cycle');
    expect(first.plans[0]?.diagnostics.map((d) => [d.severity, d.code])).toEqual([['warning', 'dockerfile-frontend-unmodelled']]);
    await buildImages({ plans: first.plans, builder, records, concurrency: 1 });
    fs.put('/p/web/notes.txt', 'changed\n');
    index.invalidate(['/p/web/notes.txt']);
    const second = await planImages({ images: [web], fs, index, builder, records });
    if (!('plans' in second)) throw new Error('cycle');
    expect(second.plans[0]?.decision.kind).toBe('rebuild');
    expect(second.plans[0]?.firstInvalidatedStep?.index).toBe(1);
    const official = await planImages({
      images: [web],
      fs: fs.put('/p/web/Dockerfile', '# syntax=docker/dockerfile:1.7\nFROM busybox:1.36\nCOPY a.txt /a\n'),
      index,
      builder,
      records,
    });
    expect('plans' in official && official.plans[0]?.diagnostics).toEqual([]);
  });
});
