import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadBuildContext } from '../../src/build/build-context-files.ts';
import { buildOne } from '../../src/build/build-images.ts';
import { DockerBuilder } from '../../src/build/docker-builder.ts';
import { HashIndex } from '../../src/build/hash-index.ts';
import { findSecrets, lintImage } from '../../src/build/lints/lint-image.ts';
import { type BuildPlan, planImages } from '../../src/build/plan-images.ts';
import type { ResolvedImage } from '../../src/config/resolved-config.ts';
import { parseDockerfile } from '../../src/graph/dockerfile-model.ts';
import { ExecaRunner } from '../../src/system/execa-runner.ts';
import { NodeFileSystem } from '../../src/system/node-file-system.ts';
import { buildkitDocker } from '../support/buildkit-docker.ts';
import { describeWithDocker } from '../support/environment.ts';

/**
 * `<Dockerfile>.dockerignore` against the real engine: what BuildKit puts in
 * the image is exactly what devloop's plan hashes, and lint and the secrets
 * check agree. The classic builder reads only `.dockerignore`, so the same
 * context leaks `.env` there, and devloop refuses to build it that way.
 */

const nonce = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const fs = new NodeFileSystem();

/** Every file below /ctx in the image, relative to it. */
function filesInImage(reference: string): string[] {
  const out = execFileSync('docker', ['run', '--rm', reference, 'find', '/ctx', '-type', 'f'], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter(Boolean)
    .map((f) => path.posix.relative('/ctx', f))
    .sort();
}

describeWithDocker('Dockerfile-specific ignore file on the real engine', () => {
  let dir: string;
  const references: string[] = [];
  const image = (): ResolvedImage => ({
    name: 'web',
    context: dir,
    dockerfile: path.join(dir, 'Dockerfile'),
    secrets: {},
    target: undefined,
    buildArgs: {},
    dependsOn: [],
    ignore: [],
    repository: `devloop-test-ignore-${nonce}`,
  });
  const plan = async (): Promise<BuildPlan> => {
    const result = await planImages({ images: [image()], fs, index: await HashIndex.open({ fs }), changedPaths: [] });
    if (!('plans' in result) || !result.plans[0]) throw new Error('no plan');
    return result.plans[0];
  };

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'devloop-ignore-'));
    mkdirSync(path.join(dir, 'src'));
    writeFileSync(path.join(dir, 'Dockerfile'), `FROM busybox:1.36\nLABEL devloop.test.nonce=${nonce}\nCOPY . /ctx/\n`);
    writeFileSync(path.join(dir, '.env'), 'TOKEN=not-for-the-image\n');
    writeFileSync(path.join(dir, 'src/main.sh'), 'echo hi\n');
    // The context-wide file would let .env through; the Dockerfile's own file, which BuildKit reads instead, does not.
    writeFileSync(path.join(dir, '.dockerignore'), 'nothing-to-ignore\n');
    writeFileSync(path.join(dir, 'Dockerfile.dockerignore'), '.env\n');
  });
  afterAll(() => {
    for (const r of references) execFileSync('docker', ['image', 'rm', '-f', r], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  });

  it('BuildKit leaves .env out, and the files it puts in the image are exactly those devloop hashes', async () => {
    const docker = buildkitDocker();
    const cli = docker.buildx ? { command: 'docker', args: ['buildx', 'build', '--load'] } : { command: docker.cli, args: ['build'] };
    const reference = `devloop-test-ignore-${nonce}:buildkit`;
    references.push(reference);
    execFileSync(cli.command, [...cli.args, '-q', '-t', reference, '-f', path.join(dir, 'Dockerfile'), dir], {
      env: { ...process.env, DOCKER_BUILDKIT: '1' },
      stdio: 'pipe',
    });
    const inImage = filesInImage(reference);
    expect(inImage).not.toContain('.env');
    expect(inImage).toContain('src/main.sh');

    const planned = await plan();
    expect(planned.inputs.dockerignoreFile).toBe(path.join(dir, 'Dockerfile.dockerignore'));
    const hashed = planned.inputs.files
      .filter((f) => f.kind === 'file')
      .map((f) => f.path)
      .sort();
    expect(hashed).toEqual(inImage);

    // The digest follows the same rule: .env does not count, a file in the image does.
    writeFileSync(path.join(dir, '.env'), 'TOKEN=changed\n');
    expect((await plan()).digest).toBe(planned.digest);
    writeFileSync(path.join(dir, 'src/main.sh'), 'echo changed\n');
    expect((await plan()).digest).not.toBe(planned.digest);
  });

  it('lint and the start-up secrets check read the same file: .env is ignored, nothing to report', async () => {
    const context = await loadBuildContext(fs, { dir, dockerfile: path.join(dir, 'Dockerfile') });
    expect(await findSecrets(fs, context)).toEqual([]);
    const model = parseDockerfile({ text: `FROM busybox:1.36\nCOPY . /ctx/\n`, file: 'Dockerfile' });
    const findings = await lintImage({ fs, model, target: undefined, context });
    expect(findings.map((f) => f.rule)).not.toContain('secrets-in-context');
    expect(findings.map((f) => f.rule)).not.toContain('missing-dockerignore');
  });

  it('the classic builder reads only .dockerignore and leaks .env, so devloop will not build there', async () => {
    const reference = `devloop-test-ignore-${nonce}:classic`;
    references.push(reference);
    execFileSync('docker', ['build', '-q', '-t', reference, '-f', path.join(dir, 'Dockerfile'), dir], {
      env: { ...process.env, DOCKER_BUILDKIT: '0' },
      stdio: 'pipe',
    });
    expect(filesInImage(reference)).toContain('.env');

    const planned = await plan();
    expect(planned.inputs.classicIgnoreDiffers).toBe(true);
    const builder = new DockerBuilder({ runner: new ExecaRunner(), kind: 'classic' });
    const built = await buildOne({ plan: planned, plans: new Map([['web', planned]]), builder });
    expect(built).toMatchObject({
      ok: false,
      error: {
        reason: 'build-failed',
        message: expect.stringMatching(/Dockerfile\.dockerignore is only read by BuildKit.*classic builder/),
      },
    });
    const exists = execFileSync('docker', ['image', 'ls', '-q', planned.reference], { encoding: 'utf8' });
    expect(exists.trim()).toBe('');
  });
});
