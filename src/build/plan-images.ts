import * as path from 'node:path';
import type { ResolvedImage } from '../config/resolved-config.ts';
import type { Diagnostic } from '../core/diagnostic.ts';
import type { FileChange } from '../core/file-change.ts';
import { createBuildContext } from '../graph/build-context.ts';
import { type DockerfileModel, notADockerfile, parseDockerfile, targetStage } from '../graph/dockerfile-model.ts';
import { computeInvalidation, type Invalidation, repositoryOf, type StepRef } from '../graph/invalidation.ts';
import type { FileSystem } from '../system/file-system.ts';
import { classicBuilderDisagrees, type IgnoreFile, readIgnoreFile } from './build-context-files.ts';
import { buildLayers } from './build-order.ts';
import { type BuildRecordStore, diffInputs } from './build-record.ts';
import { hashSecrets } from './build-secrets.ts';
import type { DockerBuilder } from './docker-builder.ts';
import type { HashIndex } from './hash-index.ts';
import {
  type CollectOptions,
  collectInputFiles,
  computeInputDigest,
  type InputFile,
  inputWalkKey,
  tagForDigest,
  updateInputFiles,
} from './input-digest.ts';

/**
 * The named cache decision for one image (fresh, or rebuild with the changed
 * inputs and the first step Docker will not take from its cache), which the
 * UI, the JSON report and `devloop plan` all show.
 */
export type CacheDecision =
  | { readonly kind: 'fresh'; readonly reason: 'image-exists' | 'no-change' }
  | {
      readonly kind: 'rebuild';
      readonly reason: 'inputs-changed' | 'never-built' | 'settings-changed' | 'base-rebuilt';
      readonly changedInputs: readonly string[];
      readonly firstInvalidatedStep: StepRef | null;
    }
  | { readonly kind: 'invalid'; readonly diagnostics: readonly Diagnostic[] };

/** Everything devloop knows about an image before calling Docker. */
export interface BuildPlan {
  readonly name: string;
  readonly repository: string;
  readonly rebuild: boolean;
  readonly firstInvalidatedStep: StepRef | null;
  /** `M` of `Step N/M`: instructions Docker counts for the target. */
  readonly totalSteps: number;
  readonly digest: string;
  /** `devloop-<12 hex of digest>`. */
  readonly tag: string;
  /** `repository:tag`. */
  readonly reference: string;
  readonly changedInputs: readonly string[];
  readonly decision: CacheDecision;
  /** Devloop images this one needs first: config `dependsOn` plus FROM / COPY --from references. */
  readonly dependencies: readonly string[];
  readonly diagnostics: readonly Diagnostic[];
  /** What the build reads, kept to record it after a successful build. */
  readonly inputs: PlanInputs;
}

/** The inputs behind a plan's digest. */
export interface PlanInputs {
  readonly image: ResolvedImage;
  readonly dockerfileText: string;
  readonly dockerignoreText: string | undefined;
  /** The ignore file in effect (`readIgnoreFile`), absolute. */
  readonly dockerignoreFile: string | undefined;
  /** True when the classic builder, reading only `.dockerignore`, would send another context (`classicBuilderDisagrees`). */
  readonly classicIgnoreDiffers?: boolean;
  readonly files: readonly InputFile[];
  /** Digests of devloop images this one builds FROM, by image name. */
  readonly baseDigests: Readonly<Record<string, string>>;
  readonly model: DockerfileModel | undefined;
}

/** What `planImages` needs. */
export interface PlanImagesOptions {
  readonly images: readonly ResolvedImage[];
  readonly fs: FileSystem;
  readonly index: HashIndex;
  /**
   * "As if every image had just been built from the current tree and then
   * exactly these paths changed" (relative to each context, or absolute).
   * When given, Docker is not asked anything.
   */
  readonly changedPaths?: readonly string[];
  /** Asked whether the image for a digest already exists; without it every image without `changedPaths` counts as not built. */
  readonly builder?: DockerBuilder;
  /** Records of previous builds, to name the step a rebuild starts from. */
  readonly records?: BuildRecordStore;
  /**
   * A watcher-driven replan: the previous plans and every path changed since
   * (absolute). Only those paths are looked at again, unless an image's
   * Dockerfile or .dockerignore changed.
   */
  readonly incremental?: { readonly previous: ReadonlyMap<string, BuildPlan>; readonly changed: readonly string[] };
  /** Where `{ env }` secrets are read from; without it an image with such a secret cannot be planned. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Why no plan could be made at all. */
export type PlanFailure = { readonly reason: 'dependency-cycle'; readonly cycle: readonly string[] };

/** Plans every image, bases before dependents. */
export async function planImages(options: PlanImagesOptions): Promise<{ plans: BuildPlan[] } | { failure: PlanFailure }> {
  const loaded = new Map<string, Loaded>();
  for (const image of options.images) loaded.set(image.name, await load(image, options.fs));
  const byRepository = new Map(options.images.map((i) => [i.repository, i.name]));
  const dependencies: Record<string, string[]> = {};
  for (const [name, l] of loaded) {
    const fromRefs = (l.model?.stages ?? [])
      .flatMap((s) => [s.baseImage, ...s.instructions.flatMap((i) => (i.copy?.from.kind === 'image' ? [i.copy.from.image] : []))])
      .map((ref) => byRepository.get(repositoryOf(ref)))
      .filter((n): n is string => n !== undefined && n !== name);
    dependencies[name] = [...new Set([...l.image.dependsOn, ...fromRefs])].filter((d) => loaded.has(d)).sort();
  }
  const layers = buildLayers(dependencies);
  if (!layers.ok) return { failure: layers.error };
  const plans = new Map<string, BuildPlan>();
  const walks: Walks = new Map();
  for (const layer of layers.value) {
    for (const name of layer) {
      const l = loaded.get(name);
      if (!l) continue;
      plans.set(name, await planOne({ loaded: l, dependencies: dependencies[name] ?? [], plans, walks, options }));
    }
  }
  return { plans: options.images.map((i) => plans.get(i.name)).filter((p): p is BuildPlan => p !== undefined) };
}

/** Full input walks of one planning pass, by `inputWalkKey`: images sharing a tree wait for the same walk. */
type Walks = Map<string, Promise<{ readonly files: InputFile[]; readonly unreadable: readonly string[] }>>;

interface Loaded {
  readonly image: ResolvedImage;
  readonly dockerfileText: string | undefined;
  readonly dockerignoreText: string | undefined;
  readonly ignoreFile: IgnoreFile | undefined;
  readonly model: DockerfileModel | undefined;
}

async function load(image: ResolvedImage, fs: FileSystem): Promise<Loaded> {
  const dockerfileText = await readIfFile(fs, image.dockerfile);
  const ignoreFile = await readIgnoreFile(fs, image.context, image.dockerfile);
  const file = path.relative(process.cwd(), image.dockerfile) || image.dockerfile;
  const model = dockerfileText === undefined ? undefined : parseDockerfile({ text: dockerfileText, file, buildArgs: image.buildArgs });
  return { image, dockerfileText, dockerignoreText: ignoreFile?.text, ignoreFile, model };
}

async function planOne(input: {
  loaded: Loaded;
  dependencies: readonly string[];
  plans: ReadonlyMap<string, BuildPlan>;
  walks: Walks;
  options: PlanImagesOptions;
}): Promise<BuildPlan> {
  const { loaded, dependencies, plans, walks, options } = input;
  const { image, dockerfileText, dockerignoreText, ignoreFile, model } = loaded;
  const baseDigests: Record<string, string> = {};
  for (const d of dependencies) baseDigests[d] = plans.get(d)?.digest ?? '';
  const rebuiltImages = new Set(dependencies.filter((d) => plans.get(d)?.rebuild).map((d) => plans.get(d)?.repository ?? d));
  const invalid = (diagnostics: Diagnostic[]): BuildPlan => ({
    name: image.name,
    repository: image.repository,
    rebuild: true,
    firstInvalidatedStep: null,
    totalSteps: model?.instructions.length ?? 0,
    digest: '',
    tag: '',
    reference: '',
    changedInputs: [],
    decision: { kind: 'invalid', diagnostics },
    dependencies,
    diagnostics,
    inputs: {
      image,
      dockerfileText: dockerfileText ?? '',
      dockerignoreText,
      dockerignoreFile: ignoreFile?.path,
      files: [],
      baseDigests,
      model,
    },
  });
  if (dockerfileText === undefined || !model) {
    return invalid([
      {
        severity: 'error',
        code: 'dockerfile-missing',
        message: `image "${image.name}": no Dockerfile at ${image.dockerfile}`,
        file: image.dockerfile,
      },
    ]);
  }
  const notDockerfile = notADockerfile(dockerfileText, model);
  if (notDockerfile) {
    return invalid([
      {
        severity: 'error',
        code: 'dockerfile-invalid',
        message: `image "${image.name}": ${model.file} is not a Dockerfile (${notDockerfile})`,
        file: model.file,
      },
    ]);
  }
  if (!targetStage(model, image.target)) {
    return invalid([
      {
        severity: 'error',
        code: 'dockerfile-unknown-target',
        message: `image "${image.name}": no stage named "${image.target}"`,
        file: model.file,
      },
    ]);
  }
  const errors = model.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) return invalid(errors);
  const secretHashes = await hashSecrets(image, { fs: options.fs, env: options.env ?? {} });
  if (!secretHashes.ok) return invalid(secretHashes.error);

  const context = createBuildContext({
    dir: image.context,
    dockerfile: image.dockerfile,
    dockerignore: dockerignoreText,
    ...(ignoreFile ? { dockerignoreFile: ignoreFile.path } : {}),
    extraIgnore: image.ignore,
  });
  const unreadable: string[] = [];
  const collect = {
    fs: options.fs,
    index: options.index,
    context,
    model,
    target: image.target,
    onUnreadable: (p: string) => unreadable.push(p),
  };
  const before = options.incremental?.previous.get(image.name)?.inputs;
  const files =
    options.incremental &&
    before &&
    before.dockerfileText === dockerfileText &&
    before.dockerignoreText === dockerignoreText &&
    before.dockerignoreFile === ignoreFile?.path &&
    before.image.target === image.target
      ? await updateInputFiles({ ...collect, previous: before.files, changed: options.incremental.changed })
      : await walkOnce(walks, inputWalkKey(context, model, image.target), collect, unreadable);
  if (unreadable.length > 0) {
    const shown = unreadable.slice(0, 3).join(', ') + (unreadable.length > 3 ? ` +${unreadable.length - 3} more` : '');
    return invalid([
      {
        severity: 'error',
        code: 'context-unreadable',
        message: `image "${image.name}": cannot read ${shown} in context ${image.context} (permission denied), so Docker cannot send it`,
        file: path.join(image.context, unreadable[0] ?? ''),
        hint: `fix its permissions, or exclude it in ${path.basename(context.ignoreFile ?? '.dockerignore')}`,
      },
    ]);
  }
  const digest = computeInputDigest({
    dockerfileText,
    buildArgs: image.buildArgs,
    secretHashes: secretHashes.value,
    target: image.target,
    files,
    baseDigests,
  });
  const tag = tagForDigest(digest);
  const base = {
    name: image.name,
    repository: image.repository,
    digest,
    tag,
    reference: `${image.repository}:${tag}`,
    dependencies,
    diagnostics: model.diagnostics,
    inputs: {
      image,
      dockerfileText,
      dockerignoreText,
      dockerignoreFile: ignoreFile?.path,
      classicIgnoreDiffers: await classicBuilderDisagrees(options.fs, context),
      files,
      baseDigests,
      model,
    },
  };
  const decide = (invalidation: Invalidation, reasonIfNone: CacheDecision): BuildPlan => {
    const step = invalidation.firstInvalidated ?? null;
    const decision: CacheDecision = invalidation.rebuild
      ? {
          kind: 'rebuild',
          reason: invalidation.causes[0]?.kind === 'base-image' ? 'base-rebuilt' : 'inputs-changed',
          changedInputs: invalidation.changedInputs,
          firstInvalidatedStep: step,
        }
      : reasonIfNone;
    return {
      ...base,
      rebuild: decision.kind !== 'fresh',
      firstInvalidatedStep: decision.kind === 'rebuild' ? decision.firstInvalidatedStep : null,
      totalSteps: invalidation.totalSteps,
      changedInputs: decision.kind === 'rebuild' ? decision.changedInputs : [],
      decision,
    };
  };

  if (options.changedPaths) {
    const changes: FileChange[] = [];
    for (const p of options.changedPaths) {
      const absolute = path.resolve(image.context, p);
      changes.push({ path: absolute, kind: (await options.fs.stat(absolute)) ? 'change' : 'unlink' });
    }
    return decide(computeInvalidation({ model, target: image.target, context, changes, rebuiltImages }), {
      kind: 'fresh',
      reason: 'no-change',
    });
  }

  const exists = options.builder ? await options.builder.imageExists(base.reference) : undefined;
  const noChange = computeInvalidation({ model, target: image.target, context, changes: [], rebuiltImages });
  if (exists?.ok && exists.value) return decide(noChange, { kind: 'fresh', reason: 'image-exists' });
  const record = await options.records?.read(image.name);
  if (!record) {
    return decide(noChange, { kind: 'rebuild', reason: 'never-built', changedInputs: [], firstInvalidatedStep: null });
  }
  const changes = diffInputs(record.files, files);
  const dockerfileChanged = record.dockerfileText !== dockerfileText;
  if (dockerfileChanged) changes.push({ path: image.dockerfile, kind: 'change' });
  const previousModel = dockerfileChanged
    ? parseDockerfile({ text: record.dockerfileText, file: model.file, buildArgs: image.buildArgs })
    : undefined;
  const invalidation = computeInvalidation({
    model,
    target: image.target,
    context,
    changes,
    rebuiltImages,
    ...(previousModel ? { previousModel } : {}),
  });
  return decide(invalidation, {
    kind: 'rebuild',
    reason: 'settings-changed',
    changedInputs: ['build args, secrets, target or base images'],
    firstInvalidatedStep: null,
  });
}

/** `collectInputFiles`, or the answer of the same walk another image of this pass started; what it could not read goes to `unreadable`. */
async function walkOnce(walks: Walks, key: string, collect: CollectOptions, unreadable: string[]): Promise<InputFile[]> {
  let walk = walks.get(key);
  if (!walk) {
    const missed: string[] = [];
    walk = collectInputFiles({ ...collect, onUnreadable: (p) => missed.push(p) }).then((files) => ({ files, unreadable: missed }));
    walks.set(key, walk);
  }
  const { files, unreadable: missed } = await walk;
  unreadable.push(...missed);
  return files;
}

async function readIfFile(fs: FileSystem, file: string): Promise<string | undefined> {
  const stat = await fs.stat(file);
  return stat?.kind === 'file' ? fs.readText(file) : undefined;
}
