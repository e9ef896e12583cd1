import * as path from 'node:path';
import { err, type Result } from '../core/result.ts';
import { baseImageBuildArgs } from './base-image-args.ts';
import { runInOrder } from './build-order.ts';
import type { BuildProgress } from './build-output.ts';
import type { BuildRecordStore } from './build-record.ts';
import type { BuildFailure, BuildSuccess, DockerBuilder } from './docker-builder.ts';
import type { BuildPlan } from './plan-images.ts';

/** What happened to one image in `buildImages`. */
export type BuildOutcome =
  | { readonly kind: 'fresh'; readonly plan: BuildPlan }
  | { readonly kind: 'built'; readonly plan: BuildPlan; readonly result: BuildSuccess }
  | { readonly kind: 'failed'; readonly plan: BuildPlan; readonly failure: BuildFailure }
  | { readonly kind: 'skipped'; readonly plan: BuildPlan; readonly reason: 'dependency-failed' | 'invalid' };

/** Progress of `buildImages`, for a renderer or the engine's actions. */
export type BuildEvent =
  | { readonly type: 'build-started'; readonly image: string; readonly reference: string }
  | { readonly type: 'build-line'; readonly image: string; readonly line: string; readonly stream: 'stdout' | 'stderr' }
  | { readonly type: 'build-progress'; readonly image: string; readonly progress: BuildProgress }
  | { readonly type: 'build-completed'; readonly image: string; readonly outcome: BuildOutcome };

/** What `buildImages` needs. */
export interface BuildImagesOptions {
  readonly plans: readonly BuildPlan[];
  readonly builder: DockerBuilder;
  readonly records?: BuildRecordStore;
  readonly concurrency: number;
  readonly signal?: AbortSignal;
  /** `--network` for RUN steps. */
  readonly network?: string;
  readonly onEvent?: (event: BuildEvent) => void;
}

/**
 * Builds the images whose plan says rebuild, bases before dependents,
 * independent ones in parallel up to `concurrency`. An image built FROM
 * another devloop image gets that image's new tag through its ARG (see
 * `base-image-args.ts`). Successful builds are recorded, so the next plan
 * can name the step a rebuild starts from.
 */
export async function buildImages(options: BuildImagesOptions): Promise<Map<string, BuildOutcome>> {
  const byName = new Map(options.plans.map((p) => [p.name, p]));
  const outcomes = new Map<string, BuildOutcome>();
  const emit = (e: BuildEvent): void => options.onEvent?.(e);
  const dependencies = Object.fromEntries(options.plans.map((p) => [p.name, p.dependencies]));
  const finish = (outcome: BuildOutcome): boolean => {
    outcomes.set(outcome.plan.name, outcome);
    emit({ type: 'build-completed', image: outcome.plan.name, outcome });
    return outcome.kind === 'fresh' || outcome.kind === 'built';
  };
  const result = await runInOrder({
    dependencies,
    images: options.plans.map((p) => p.name),
    concurrency: options.concurrency,
    run: async (name) => {
      const plan = byName.get(name);
      if (!plan) return false;
      if (plan.decision.kind === 'invalid') return finish({ kind: 'skipped', plan, reason: 'invalid' });
      if (!plan.rebuild) return finish({ kind: 'fresh', plan });
      emit({ type: 'build-started', image: name, reference: plan.reference });
      const built = await buildOne({
        plan,
        plans: byName,
        builder: options.builder,
        ...(options.records ? { records: options.records } : {}),
        ...(options.network ? { network: options.network } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        onLine: (line, stream) => emit({ type: 'build-line', image: name, line, stream }),
        onProgress: (progress) => emit({ type: 'build-progress', image: name, progress }),
      });
      if (!built.ok) return finish({ kind: 'failed', plan, failure: built.error });
      return finish({ kind: 'built', plan, result: built.value });
    },
  });
  for (const [name, state] of result) {
    const plan = byName.get(name);
    if (state === 'skipped' && plan && !outcomes.has(name)) finish({ kind: 'skipped', plan, reason: 'dependency-failed' });
  }
  return outcomes;
}

/** What `buildOne` needs. */
export interface BuildOneOptions {
  readonly plan: BuildPlan;
  /** Every plan of the run, by image name: where the tags of devloop base images come from. */
  readonly plans: ReadonlyMap<string, BuildPlan>;
  readonly builder: DockerBuilder;
  readonly records?: BuildRecordStore;
  readonly network?: string;
  /** More names for the image (the reference it will be pushed as). */
  readonly alsoTag?: readonly string[];
  readonly signal?: AbortSignal;
  readonly onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  readonly onProgress?: (progress: BuildProgress) => void;
}

/**
 * Builds one planned image: the tags of the devloop images it builds FROM go
 * in through their ARGs, and a success is recorded so the next plan can name
 * the step a rebuild starts from.
 */
export async function buildOne(options: BuildOneOptions): Promise<Result<BuildSuccess, BuildFailure>> {
  const { plan } = options;
  const { image, dockerfileText, model } = plan.inputs;
  const references: Record<string, string> = {};
  for (const d of plan.dependencies) {
    const dep = options.plans.get(d);
    if (dep) references[dep.repository] = dep.reference;
  }
  if (plan.inputs.classicIgnoreDiffers && (await options.builder.builderKind()) === 'classic') {
    // devloop's view of the context is BuildKit's; the classic builder would send what the Dockerfile's own ignore file excludes.
    const ignoreFile = plan.inputs.dockerignoreFile ?? '';
    return err({
      reason: 'build-failed',
      step: undefined,
      exitCode: undefined,
      message: `${ignoreFile} is only read by BuildKit, but this docker has no buildx and builds with the classic builder, which reads ${path.join(image.context, '.dockerignore')} instead and would send what ${path.basename(ignoreFile)} excludes; install docker buildx, or put the same patterns in .dockerignore`,
      outputTail: [],
    });
  }
  const buildArgs = { ...image.buildArgs, ...baseImageBuildArgs({ text: dockerfileText, file: image.dockerfile, references }) };
  const built = await options.builder.build({
    context: image.context,
    dockerfile: image.dockerfile,
    target: image.target,
    buildArgs,
    secrets: image.secrets,
    reference: plan.reference,
    ...(options.alsoTag?.length ? { alsoTag: options.alsoTag } : {}),
    digest: plan.digest,
    ...(model ? { model } : {}),
    ...(options.network ? { network: options.network } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onLine ? { onLine: options.onLine } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  if (built.ok) {
    await options.records?.write(plan.name, {
      digest: plan.digest,
      dockerfileText,
      dockerignoreText: plan.inputs.dockerignoreText,
      files: plan.inputs.files,
    });
  }
  return built;
}
