import { describe, expect, it } from 'vitest';
import { parseDockerfile } from '../graph/dockerfile-model.ts';
import { FakeRunner } from '../system/fake-runner.ts';
import { baseImageBuildArgs, literalDevloopBases } from './base-image-args.ts';
import { type BuildProgress, buildkitProgressParser, classicProgressParser } from './build-output.ts';
import { buildArguments, DockerBuilder } from './docker-builder.ts';

const classicOutput = `Sending build context to Docker daemon  3.072kB
Step 1/4 : FROM busybox:1.36
 ---> e27e3d8f62e7
Step 2/4 : COPY a.txt /a.txt
 ---> Using cache
 ---> 5be613f9a8ed
Step 3/4 : COPY b.txt /b.txt
 ---> 5ed4531822db
Step 4/4 : RUN cat /a.txt
 ---> Running in 3f6405d0aef6
hello
Removing intermediate container 3f6405d0aef6
 ---> 321a63715223
Successfully built 321a63715223`;

const request = {
  context: '/p',
  dockerfile: '/p/Dockerfile',
  target: 'final',
  buildArgs: { B: '2', A: '1' },
  reference: 'api:devloop-0123456789ab',
  digest: 'sha256:0123456789abcdef',
};

describe('classicProgressParser', () => {
  it('tells cached steps from executed ones', () => {
    const parser = classicProgressParser();
    const events = classicOutput.split('\n').flatMap((l) => parser.push(l));
    events.push(...parser.finish());
    expect(events.filter((e) => e.kind !== 'step')).toEqual([
      { kind: 'cached', index: 2 },
      { kind: 'executed', index: 3 },
      { kind: 'executed', index: 4 },
    ]);
  });
});

describe('buildkitProgressParser', () => {
  it('maps per-stage steps to file-wide indices', () => {
    const model = parseDockerfile({
      text: 'ARG X=1\nFROM busybox AS a\nCOPY a /\nFROM busybox\nCOPY --from=a /a /b\nRUN true\n',
      file: 'D',
    });
    const parser = buildkitProgressParser(
      (label, step) =>
        (label === undefined ? model.stages.at(-1) : model.stages.find((s) => s.name === label))?.instructions[step - 1]?.index,
    );
    const lines = [
      '#4 [a 2/2] COPY a /',
      '#4 CACHED',
      '#6 [stage-1 2/3] COPY --from=a /a /b',
      '#6 DONE 0.1s',
      '#7 [3/3] RUN true',
      '#7 ERROR: process "/bin/sh -c true" did not complete',
    ];
    const events: BuildProgress[] = lines.flatMap((l) => parser.push(l));
    expect(events.filter((e) => e.kind !== 'step').map((e) => [e.kind, 'index' in e ? e.index : undefined])).toEqual([
      ['cached', 3],
      ['failed', 6],
    ]);
  });
});

describe('DockerBuilder', () => {
  it('builds with the classic builder when buildx is missing: args, env, labels, streamed lines', async () => {
    const runner = new FakeRunner()
      .on('docker buildx', { exitCode: 1, stderr: "docker: 'buildx' is not a docker command." })
      .on('docker build', { stdout: classicOutput });
    const lines: string[] = [];
    const r = await new DockerBuilder({ runner }).build({ ...request, onLine: (l) => lines.push(l) });
    expect(r.ok && r.value).toMatchObject({ builder: 'classic', cachedSteps: [2], executedSteps: [3, 4] });
    const call = runner.calls.find((c) => c.args[0] === 'build');
    expect(call?.args).toEqual([
      'build',
      '-f',
      '/p/Dockerfile',
      '-t',
      'api:devloop-0123456789ab',
      '--label',
      'devloop.digest=sha256:0123456789abcdef',
      '--target',
      'final',
      '--build-arg',
      'A',
      '--build-arg',
      'B',
      '/p',
    ]);
    expect(call?.options.env).toEqual({ A: '1', B: '2', DOCKER_BUILDKIT: '0' });
    expect(lines).toContain('Step 3/4 : COPY b.txt /b.txt');
  });

  it('never puts a build-arg value that can travel in the environment on the command line', () => {
    const args = buildArguments({ ...request, buildArgs: { NPM_TOKEN: 's3cr3t', 'odd-name': 'v1', DOCKER_X: 'v2' } }, 'classic');
    expect(args.join(' ')).not.toContain('s3cr3t');
    expect(args).toContain('NPM_TOKEN');
    expect(args).toContain('odd-name=v1');
    expect(args).toContain('DOCKER_X=v2');
  });

  it('names secrets by id and source only, and builds an image with secrets with BuildKit when there is no buildx', async () => {
    const runner = new FakeRunner().on('docker build', { stdout: '#5 [2/2] RUN echo hunter2-npm\n#5 DONE 0.1s' });
    const lines: string[] = [];
    const r = await new DockerBuilder({ runner, kind: 'classic' }).build({
      ...request,
      buildArgs: { NPM_TOKEN: 'hunter2-npm' },
      secrets: { tok: { env: 'NPM_SECRET' }, cfg: { file: '/p/a,b.txt' } },
      onLine: (l) => lines.push(l),
    });
    expect(r.ok && r.value.builder).toBe('buildkit');
    const call = runner.calls.find((c) => c.args[0] === 'build');
    expect(call?.args.slice(0, 2)).toEqual(['build', '--progress=plain']);
    expect(call?.args.join(' ')).toContain('--secret id=cfg,"src=/p/a,b.txt" --secret id=tok,env=NPM_SECRET');
    expect(call?.options.env).toEqual({ NPM_TOKEN: 'hunter2-npm', DOCKER_BUILDKIT: '1' });
    expect(lines).toContain('#5 [2/2] RUN echo ***');
  });

  it('says plainly when an image with secrets meets a docker CLI without BuildKit', async () => {
    const runner = new FakeRunner().on('docker build', {
      exitCode: 1,
      stderr: 'ERROR: BuildKit is enabled but the buildx component is missing or broken.',
    });
    const r = await new DockerBuilder({ runner, kind: 'classic' }).build({ ...request, secrets: { tok: { env: 'T' } } });
    expect(!r.ok && r.error.reason === 'build-failed' && r.error.message).toMatch(/secrets, which need BuildKit/);
  });

  it('uses buildx when present', () => {
    expect(buildArguments(request, 'buildx').slice(0, 4)).toEqual(['buildx', 'build', '--load', '--progress=plain']);
  });

  it("maps BuildKit's per-stage steps, which count only FROM, WORKDIR, COPY, ADD and RUN, to the file's instructions", async () => {
    const model = parseDockerfile({
      file: 'Dockerfile',
      text: 'ARG BASE=busybox\nFROM $BASE AS build\nARG SRC=src\nENV X=1\nCOPY $SRC /src\nRUN make\nFROM build\nUSER 1\nCOPY a /a\n',
    });
    // The second stage is built FROM the first: BuildKit gives it no FROM step.
    const output =
      '#5 [build 2/3] COPY src /src\n#5 DONE 0.1s\n#6 [build 3/3] RUN make\n#6 CACHED\n#7 [stage-1 1/1] COPY a /a\n#7 DONE 0.0s';
    const runner = new FakeRunner().on('docker buildx', { stdout: output });
    const built = await new DockerBuilder({ runner, kind: 'buildx' }).build({ ...request, model });
    expect(built.ok && { executed: built.value.executedSteps, cached: built.value.cachedSteps }).toEqual({ executed: [5, 9], cached: [6] });
  });

  it("calls an engine that buildx cannot reach unavailable, in buildx's words", async () => {
    const stderr =
      'ERROR: failed to connect to the docker API at unix:///var/run/docker.sock; check if the path is correct and if the daemon is running: dial unix /var/run/docker.sock: connect: no such file or directory';
    const runner = new FakeRunner().on('docker buildx', { exitCode: 1, stderr });
    const built = await new DockerBuilder({ runner, kind: 'buildx' }).build(request);
    expect(!built.ok && built.error).toEqual({ reason: 'docker-unavailable', message: stderr });
  });

  it("runs buildx's plugin directly when it was found, without git provenance", async () => {
    const runner = new FakeRunner().on('/opt/docker-buildx build', {});
    const builder = new DockerBuilder({ runner, kind: 'buildx', findBuildx: async () => '/opt/docker-buildx' });
    expect((await builder.build(request)).ok).toBe(true);
    expect(runner.calls[0]?.args.slice(0, 3)).toEqual(['build', '--load', '--progress=plain']);
    expect(runner.calls[0]?.options.env).toMatchObject({ BUILDX_GIT_INFO: '0' });
  });

  it('gives the image its other names in the same build, and knows them afterwards', async () => {
    const alsoTag = ['localhost:5000/web:v1'];
    expect(buildArguments({ ...request, alsoTag }, 'buildx').join(' ')).toContain(`-t ${request.reference} -t localhost:5000/web:v1`);
    const runner = new FakeRunner().on('docker buildx', {});
    const builder = new DockerBuilder({ runner, kind: 'buildx' });
    expect((await builder.build({ ...request, alsoTag })).ok).toBe(true);
    expect(await builder.imageExists('localhost:5000/web:v1')).toEqual({ ok: true, value: true });
    expect(runner.calls).toHaveLength(1);
  });

  it('names the failing step and keeps the output tail', async () => {
    const runner = new FakeRunner().on('docker build', {
      exitCode: 1,
      stdout: 'Step 1/2 : FROM busybox\n ---> abc\nStep 2/2 : RUN exit 3\n ---> Running in 123\n',
      stderr: "The command '/bin/sh -c exit 3' returned a non-zero code: 3",
    });
    const r = await new DockerBuilder({ runner, kind: 'classic' }).build(request);
    expect(r).toMatchObject({
      ok: false,
      error: {
        reason: 'build-failed',
        step: { index: 2, text: 'RUN exit 3' },
        exitCode: 1,
        message: "The command '/bin/sh -c exit 3' returned a non-zero code: 3",
      },
    });
    expect(!r.ok && r.error.reason === 'build-failed' && r.error.outputTail.length).toBe(5);
  });

  it('reports docker-unavailable and cancellation', async () => {
    const missing = await new DockerBuilder({ runner: new FakeRunner(), kind: 'classic' }).build(request);
    expect(missing).toMatchObject({ ok: false, error: { reason: 'docker-unavailable' } });
    const down = new FakeRunner().on('docker', {
      exitCode: 1,
      stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
    });
    expect(await new DockerBuilder({ runner: down, kind: 'classic' }).imageExists('x:1')).toMatchObject({
      ok: false,
      error: { reason: 'docker-unavailable' },
    });
    const controller = new AbortController();
    controller.abort();
    const cancelled = await new DockerBuilder({ runner: new FakeRunner().on('docker build', { exitCode: 137 }), kind: 'classic' }).build({
      ...request,
      signal: controller.signal,
    });
    expect(cancelled).toEqual({ ok: false, error: { reason: 'build-cancelled' } });
  });

  it('answers only when the daemon answers `docker version`', async () => {
    const down = new FakeRunner().on('docker version', {
      exitCode: 1,
      stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock.',
    });
    expect(await new DockerBuilder({ runner: down, kind: 'classic' }).answers()).toBe(false);
    expect(await new DockerBuilder({ runner: new FakeRunner(), kind: 'classic' }).answers()).toBe(false);
    const up = new FakeRunner().on('docker version', { exitCode: 0, stdout: '27.3.1' });
    expect(await new DockerBuilder({ runner: up, kind: 'classic' }).answers()).toBe(true);
  });

  it('lists the tags of a repository once, then answers from the list and its own builds without calling docker', async () => {
    const runner = new FakeRunner()
      .on('docker image', (args) => ({ stdout: args.at(-1) === 'localhost:5000/api' ? 'devloop-1\n<none>\n' : '' }))
      .on('docker build', {});
    const builder = new DockerBuilder({ runner, kind: 'classic' });
    expect(await builder.imageExists('localhost:5000/api:devloop-1')).toEqual({ ok: true, value: true });
    expect(await builder.imageExists('localhost:5000/api:devloop-2')).toEqual({ ok: true, value: false });
    expect(runner.calls.map((c) => c.args.join(' '))).toEqual(['image ls --format {{.Tag}} localhost:5000/api']);
    expect(await builder.build({ ...request, reference: 'localhost:5000/api:devloop-2' })).toMatchObject({ ok: true });
    expect(await builder.imageExists('localhost:5000/api:devloop-2')).toEqual({ ok: true, value: true });
    expect(await builder.imageExists('web:devloop-2')).toEqual({ ok: true, value: false });
    expect(runner.calls.filter((c) => c.args[1] === 'ls').map((c) => c.args.at(-1))).toEqual(['localhost:5000/api', 'web']);
  });

  it('inspects each reference when the tags cannot be listed, and asks again after the daemon was unreachable', async () => {
    const runner = new FakeRunner().on('docker image', (args) =>
      args[1] === 'ls' ? { exitCode: 1, stderr: 'unknown flag' } : { exitCode: args.includes('api:devloop-1') ? 0 : 1 },
    );
    const builder = new DockerBuilder({ runner, kind: 'classic' });
    expect(await builder.imageExists('api:devloop-1')).toEqual({ ok: true, value: true });
    expect(await builder.imageExists('api:devloop-2')).toEqual({ ok: true, value: false });
    expect(runner.calls.map((c) => c.args[1])).toEqual(['ls', 'inspect', 'inspect']);
    let up = false;
    const flaky = new FakeRunner().on('docker image', () =>
      up ? { stdout: 'devloop-1\n' } : { exitCode: 1, stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock.' },
    );
    const later = new DockerBuilder({ runner: flaky, kind: 'classic' });
    expect(await later.imageExists('api:devloop-1')).toMatchObject({ ok: false, error: { reason: 'docker-unavailable' } });
    up = true;
    expect(await later.imageExists('api:devloop-1')).toEqual({ ok: true, value: true });
  });
});

describe('base images of other devloop images', () => {
  it('passes the built tag through the ARG that names the dependency', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Dockerfile text, not a template
    const text = 'ARG BASE=base\nARG OTHER=busybox:1.36\nFROM ${BASE}\nRUN true\n';
    expect(baseImageBuildArgs({ text, file: 'D', references: { base: 'base:devloop-1' } })).toEqual({ BASE: 'base:devloop-1' });
  });

  it('reports a FROM that names a devloop image literally, with the fix', () => {
    const text = 'FROM base:dev\nRUN true\n';
    const model = parseDockerfile({ text, file: 'api/Dockerfile' });
    expect(literalDevloopBases({ model, text, repositories: new Set(['base']) })).toEqual([
      expect.objectContaining({ code: 'devloop-base-literal', line: 1, hint: expect.stringContaining('ARG BASE_IMAGE=base') }),
    ]);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Dockerfile text, not a template
    const viaArg = 'ARG B=base\nFROM ${B}\n';
    expect(
      literalDevloopBases({ model: parseDockerfile({ text: viaArg, file: 'D' }), text: viaArg, repositories: new Set(['base']) }),
    ).toEqual([]);
  });
});
