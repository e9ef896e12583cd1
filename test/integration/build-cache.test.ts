import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildImages } from '../../src/build/build-images.ts';
import { BuildRecordStore } from '../../src/build/build-record.ts';
import { DockerBuilder } from '../../src/build/docker-builder.ts';
import { HashIndex } from '../../src/build/hash-index.ts';
import { type BuildPlan, planImages } from '../../src/build/plan-images.ts';
import type { ResolvedImage } from '../../src/config/resolved-config.ts';
import { neededStages, parseDockerfile, targetStage } from '../../src/graph/dockerfile-model.ts';
import { ExecaRunner } from '../../src/system/execa-runner.ts';
import { NodeFileSystem } from '../../src/system/node-file-system.ts';
import type { ProcessRunner, RunOptions } from '../../src/system/process-runner.ts';
import { buildkitDocker } from '../support/buildkit-docker.ts';
import { describeWithDocker } from '../support/environment.ts';

/**
 * `plan` against the real Docker engine's cache: build a fixture, change
 * files, ask devloop where the cache breaks, rebuild with Docker and compare
 * with the first step Docker did not take from its cache (in the stages the
 * target needs; the classic builder also builds stages nobody needs).
 * Each run builds on a base image made unique for the run, so no cache from
 * earlier runs can answer. Every case runs with the classic builder and with
 * BuildKit (buildx), whose cache must agree with the same plan.
 */

const fixtures = path.resolve(import.meta.dirname, '../fixtures/dockerfiles');
const nonce = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
const baseImage = `devloop-test-base:${nonce}`;
const repoPrefix = `devloop-test-${nonce}`;

/** Counts every docker invocation. */
class CountingRunner implements ProcessRunner {
  calls: string[][] = [];
  readonly #inner = new ExecaRunner();
  run(command: string, args: readonly string[], options?: RunOptions) {
    this.calls.push([command, ...args]);
    return this.#inner.run(command, args, options);
  }
}

/** `sameContent`: the path is saved without a change, which `--changed PATH` cannot express (it means "changed"). */
type Mutation = { readonly label: string; readonly apply: (dir: string) => string[]; readonly sameContent?: boolean };
const write = (file: string, content?: string): Mutation => ({
  label: `write ${file}`,
  apply: (dir) => {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content ?? `${file} ${nonce} ${Math.random()}\n`);
    return [file];
  },
});
const remove = (file: string): Mutation => ({
  label: `delete ${file}`,
  apply: (dir) => {
    unlinkSync(path.join(dir, file));
    return [file];
  },
});
const touch = (file: string): Mutation => ({
  label: `touch ${file} (same content)`,
  sameContent: true,
  apply: (dir) => {
    const when = new Date(Date.now() + 60_000);
    utimesSync(path.join(dir, file), when, when);
    return [file];
  },
});

interface Case {
  readonly fixture: string;
  readonly target?: string;
  /** Builders that can build the fixture (default both). */
  readonly builders?: readonly (typeof builders)[number][];
  /** Mutation and the step devloop must name (null: nothing to rebuild). */
  readonly steps: readonly [Mutation, number | null][];
}

/**
 * Every way devloop builds: BuildKit through buildx, BuildKit by the engine
 * with the context in the request (`engine`, small contexts), and the classic
 * builder — each must agree with the plan.
 */
const builders = ['classic', 'buildx', 'engine'] as const;

const cases: Case[] = [
  {
    fixture: 'bind-mount',
    builders: ['buildx', 'engine'],
    steps: [
      [write('req.txt'), 5],
      [write('app.txt'), 4],
      [write('late.txt'), 6],
      [write('other.txt'), null],
    ],
  },
  {
    fixture: 'layers',
    steps: [
      [write('app/main.py'), 6],
      [write('requirements.txt'), 4],
      [write('extra.toml'), 7],
      [remove('app/util.py'), 6],
      [write('app/sub/new.py'), 6],
      [write('app/scratch/keep.txt'), 6],
      [write('app/scratch/junk.txt'), null],
      [write('app/x.pyc'), null],
      [write('README.md'), null],
      [touch('app/main.py'), null],
      [remove('pyproject.toml'), 7],
    ],
  },
  {
    fixture: 'multi-stage',
    steps: [
      [write('src/a.c'), 7],
      [write('deps.txt'), 3],
      [write('docs/index.md'), null],
      [write('config dir/settings.json'), 13],
      [write('data.txt'), 14],
      [remove('src/b.c'), 7],
      [write('src/c.c'), 7],
    ],
  },
  {
    fixture: 'multi-stage',
    target: 'docs',
    steps: [
      [write('docs/index.md'), 10],
      [write('src/a.c'), null],
    ],
  },
];

const created: string[] = [];
const workDirs: string[] = [];

describeWithDocker('plan agrees with the Docker engine cache', () => {
  beforeAll(() => {
    execFileSync('docker', ['build', '-t', baseImage, '-'], {
      input: `FROM busybox:1.36\nLABEL devloop.test.nonce=${nonce}\n`,
      env: { ...process.env, DOCKER_BUILDKIT: '0' },
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    created.push(baseImage);
  });
  afterAll(() => {
    for (const dir of workDirs) rmSync(dir, { recursive: true, force: true });
    const images = execFileSync('docker', ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}'], { encoding: 'utf8' })
      .split('\n')
      .filter((r) => r.startsWith(repoPrefix) || r === baseImage);
    if (images.length > 0) execFileSync('docker', ['image', 'rm', '-f', ...images], { stdio: 'ignore' });
  });

  for (const [n, testCase] of cases.entries())
    for (const kind of testCase.builders ?? builders) {
      it(`${kind}: ${testCase.fixture}${testCase.target ? ` --target ${testCase.target}` : ''}: ${testCase.steps.map(([m]) => m.label).join(', ')}`, async () => {
        if (kind !== 'classic') expect(buildkitDocker(), 'this test needs docker buildx').toEqual({ buildx: true });
        const dir = mkdtempSync(path.join(tmpdir(), 'devloop-cache-'));
        workDirs.push(dir);
        cpSync(path.join(fixtures, testCase.fixture), dir, { recursive: true });
        const cacheDir = mkdtempSync(path.join(tmpdir(), 'devloop-cache-state-'));
        workDirs.push(cacheDir);
        const fs = new NodeFileSystem();
        const image: ResolvedImage = {
          name: `${testCase.fixture}-${n}-${kind}`,
          context: dir,
          dockerfile: path.join(dir, 'Dockerfile'),
          target: testCase.target,
          buildArgs: { BASE: baseImage },
          secrets: {},
          dependsOn: [],
          ignore: [],
          repository: `${repoPrefix}-${n}-${kind}`,
        };
        const records = new BuildRecordStore({ fs, cacheDir });
        const indexFile = path.join(cacheDir, 'hash-index.json');
        let index = await HashIndex.open({ fs, file: indexFile });
        let runner = new CountingRunner();
        const builderOf = (runner: CountingRunner) =>
          kind === 'engine'
            ? new DockerBuilder({ runner, kind: 'buildx', engine: { socketPath: '/var/run/docker.sock', fs } })
            : new DockerBuilder({ runner, kind });
        let builder = builderOf(runner);
        const build = async (plans: BuildPlan[]) => {
          const executed: number[] = [];
          const outcomes = await buildImages({
            plans,
            builder,
            records,
            concurrency: 1,
            network: 'host',
            onEvent: (e) => {
              if (e.type === 'build-progress' && e.progress.kind === 'executed') executed.push(e.progress.index);
            },
          });
          const outcome = outcomes.get(image.name);
          if (outcome?.kind === 'failed') throw new Error(JSON.stringify(outcome.failure));
          return { outcome, executed };
        };
        const plan = async (changedPaths?: string[]) => {
          const r = await planImages({ images: [image], fs, index, records, ...(changedPaths ? { changedPaths } : { builder }) });
          if (!('plans' in r) || !r.plans[0]) throw new Error('no plan');
          return r.plans[0];
        };

        const first = await plan();
        expect((await build([first])).outcome?.kind).toBe('built');
        // The engine's BuildKit built it, not a docker process.
        if (kind === 'engine') expect(runner.calls.filter((c) => c.includes('build'))).toEqual([]);
        const model = parseDockerfile({ text: first.inputs.dockerfileText, file: 'Dockerfile', buildArgs: image.buildArgs });
        const stageOf = (index: number) => model.instructions[index - 1]?.stage;

        for (const [mutation, expected] of testCase.steps) {
          const changed = mutation.apply(dir);
          index.invalidate(changed.map((c) => path.join(dir, c)));
          const hypothetical = await plan(changed);
          const callsBefore = runner.calls.length;
          const recorded = await plan();
          const { executed } = await build([recorded]);
          const docker = firstDockerMiss(executed, model, testCase.target, stageOf);
          const label = `${testCase.fixture}: ${mutation.label}`;
          if (!mutation.sameContent)
            expect({ label, devloop: hypothetical.firstInvalidatedStep?.index ?? null }).toEqual({ label, devloop: expected });
          expect({ label, fromRecord: recorded.firstInvalidatedStep?.index ?? null }).toEqual({ label, fromRecord: expected });
          expect({ label, docker: dockerEquivalent(expected, model) }).toEqual({ label, docker });
          if (expected === null) {
            // Nothing to rebuild: not a single docker invocation for planning and building.
            expect({ label, calls: runner.calls.slice(callsBefore) }).toEqual({ label, calls: [] });
          }
        }

        // Restart: fresh index from disk, new builder: nothing is built and no file is read.
        // (Files written within the index's racy window are rehashed once; age them first.)
        const old = new Date(Date.now() - 60_000);
        for (const file of execFileSync('find', [dir, '-type', 'f'], { encoding: 'utf8' }).split('\n').filter(Boolean))
          utimesSync(file, old, old);
        expect((await plan()).decision).toEqual({ kind: 'fresh', reason: 'image-exists' });
        await index.save();
        index = await HashIndex.open({ fs, file: indexFile });
        runner = new CountingRunner();
        builder = builderOf(runner);
        const again = await plan();
        expect(again.decision).toEqual({ kind: 'fresh', reason: 'image-exists' });
        await build([again]);
        expect(runner.calls.filter((c) => c.includes('build'))).toEqual([]);
        expect(index.stats.reads).toBe(0);
      });
    }
});

/** Docker's first executed step in the stages the target needs; FROM never counts as cached or run. */
function firstDockerMiss(
  executed: readonly number[],
  model: ReturnType<typeof parseDockerfile>,
  target: string | undefined,
  stageOf: (index: number) => number | undefined,
): number | null {
  const needed = neededStagesOf(model, target);
  const misses = executed.filter((i) => needed.has(stageOf(i) ?? -1));
  return misses.length > 0 ? Math.min(...misses) : null;
}

/** A plan that breaks at a FROM shows in Docker as the next step of that stage running. */
function dockerEquivalent(step: number | null, model: ReturnType<typeof parseDockerfile>): number | null {
  if (step === null) return null;
  const instruction = model.instructions[step - 1];
  if (instruction?.keyword !== 'FROM') return step;
  const stage = model.stages[instruction.stage ?? -1];
  return stage?.instructions[1]?.index ?? null;
}

function neededStagesOf(model: ReturnType<typeof parseDockerfile>, target: string | undefined): Set<number> {
  const stage = targetStage(model, target);
  return stage ? neededStages(model, stage) : new Set();
}
