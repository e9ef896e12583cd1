import { buildOne } from '../../build/build-images.ts';
import type { BuildRecordStore } from '../../build/build-record.ts';
import type { DockerBuilder } from '../../build/docker-builder.ts';
import type { HashIndex } from '../../build/hash-index.ts';
import { type ImagePlan as BuildPlan, planImages } from '../../build/plan-images.ts';
import type { ResolvedConfig } from '../../config/resolved-config.ts';
import { formatDiagnostic } from '../../core/diagnostic.ts';
import type { FileChange } from '../../core/file-change.ts';
import type { Problem } from '../../core/problem.ts';
import { err, ok, type Result } from '../../core/result.ts';
import type { BuiltImage, ImageBuilder, ImagePlan, ImagePlanner } from '../../engine/ports.ts';
import type { FileSystem } from '../../system/file-system.ts';

/**
 * The engine's `ImagePlanner` and `ImageBuilder` over the build module: plans
 * from content digests (no Docker call unless the digest's image may be
 * missing), builds with the classic builder or BuildKit, passing the built
 * tags of devloop base images as build args.
 */
export class DockerImages implements ImagePlanner, ImageBuilder {
  readonly #config: ResolvedConfig;
  readonly #fs: FileSystem;
  readonly #env: Readonly<Record<string, string | undefined>>;
  readonly #index: HashIndex;
  readonly #docker: DockerBuilder;
  readonly #records: BuildRecordStore | undefined;
  /** Plans of the last two planning passes, by `name@tag` (a build may start from the one before the newest). */
  #plans = new Map<string, BuildPlan>();
  #previousPlans = new Map<string, BuildPlan>();
  /** The newest plan of each image: where base images' tags come from. */
  #latest = new Map<string, BuildPlan>();
  #built = new Set<string>();
  readonly #alsoTag: (image: string, tag: string) => readonly string[];
  #saveTimer: NodeJS.Timeout | undefined;

  constructor(options: {
    config: ResolvedConfig;
    fs: FileSystem;
    /** Where `{ env }` build secrets are read from; none when absent. */
    env?: Readonly<Record<string, string | undefined>>;
    index: HashIndex;
    docker: DockerBuilder;
    records?: BuildRecordStore;
    /** Other names to build an image under: the registry reference delivery will push, so it needs no `docker tag`. */
    alsoTag?: (image: string, tag: string) => readonly string[];
  }) {
    this.#config = options.config;
    this.#fs = options.fs;
    this.#env = options.env ?? {};
    this.#index = options.index;
    this.#docker = options.docker;
    this.#records = options.records;
    this.#alsoTag = options.alsoTag ?? (() => []);
  }

  async plan(changes: readonly FileChange[]): Promise<Result<ImagePlan[], Problem>> {
    this.#index.invalidate(changes.map((c) => c.path));
    const planned = await planImages({
      images: Object.values(this.#config.images),
      fs: this.#fs,
      env: this.#env,
      index: this.#index,
      builder: this.#docker,
      ...(this.#records ? { records: this.#records } : {}),
      ...(this.#latest.size > 0 ? { incremental: { previous: this.#latest, changed: changes.map((c) => c.path) } } : {}),
    });
    this.#saveIndexSoon();
    if ('failure' in planned) {
      return err({
        stage: 'plan',
        reason: 'dependency-cycle',
        message: `images build FROM each other in a cycle: ${planned.failure.cycle.join(' → ')}`,
      });
    }
    this.#previousPlans = this.#plans;
    this.#plans = new Map();
    const out: ImagePlan[] = [];
    for (const plan of planned.plans) {
      if (plan.decision.kind === 'invalid') {
        return err({
          stage: 'plan',
          reason: plan.diagnostics[0]?.code === 'build-secret-missing' ? 'build-secret-missing' : 'dockerfile-invalid',
          message: `image ${plan.name}: ${plan.diagnostics[0]?.message ?? 'cannot be planned'}`,
          ...(plan.diagnostics[0]?.hint ? { fix: plan.diagnostics[0].hint } : {}),
          details: plan.diagnostics.map(formatDiagnostic),
        });
      }
      this.#plans.set(`${plan.name}@${plan.tag}`, plan);
      this.#latest.set(plan.name, plan);
      const rebuild = plan.rebuild && !this.#built.has(plan.reference);
      const step = plan.firstInvalidatedStep;
      out.push({
        image: plan.name,
        rebuild,
        tag: plan.tag,
        reference: plan.reference,
        digest: plan.digest,
        firstInvalidatedStep: step ? `step ${step.index}/${plan.totalSteps} ${step.instruction}` : undefined,
        changedInputs: plan.changedInputs,
        explanation: rebuild
          ? `${explainRebuild(plan)}${plan.inputs.model?.foreignFrontend ? ` (the frontend ${plan.inputs.model.foreignFrontend} is not modelled: any change in the context rebuilds)` : ''}`
          : plan.decision.kind === 'fresh' && plan.decision.reason === 'no-change'
            ? 'no input changed'
            : 'an image with this content digest exists',
      });
    }
    return ok(out);
  }

  /** The newest full plan of an image (its Dockerfile model and inputs), for live update. */
  latestPlan(image: string): BuildPlan | undefined {
    return this.#latest.get(image);
  }

  /** Saves the hash index at most every few seconds: on a large tree it is megabytes of JSON. */
  #saveIndexSoon(): void {
    if (this.#saveTimer) return;
    this.#saveTimer = setTimeout(() => {
      this.#saveTimer = undefined;
      void this.#index.save().catch(() => undefined);
    }, 5000);
    this.#saveTimer.unref();
  }

  async build(plan: ImagePlan, options: { signal: AbortSignal; onLine: (line: string) => void }): Promise<Result<BuiltImage, Problem>> {
    const full = this.#plans.get(`${plan.image}@${plan.tag}`) ?? this.#previousPlans.get(`${plan.image}@${plan.tag}`);
    if (!full) return err({ stage: 'build', reason: 'build-not-planned', message: `image ${plan.image} was not planned` });
    const result = await buildOne({
      plan: full,
      plans: this.#latest,
      builder: this.#docker,
      ...(this.#records ? { records: this.#records } : {}),
      alsoTag: this.#alsoTag(full.name, full.tag),
      signal: options.signal,
      onLine: (line) => options.onLine(line),
    });
    if (!result.ok) {
      const f = result.error;
      switch (f.reason) {
        case 'build-cancelled':
          return err({ stage: 'build', reason: 'build-cancelled', message: 'cancelled by a newer change' });
        case 'docker-unavailable':
          return err({
            stage: 'build',
            reason: 'docker-unavailable',
            message: f.message,
            fix: 'start Docker (is the daemon running? `docker info`)',
          });
        case 'build-failed':
          return err({
            stage: 'build',
            reason: 'build-failed',
            message: `${plan.image}: ${f.step ? `step ${f.step.index} ${f.step.text} failed` : 'docker build failed'}: ${f.message}`,
            fix: 'fix the error above and save; the running pods keep the previous image',
            details: f.outputTail,
          });
      }
    }
    this.#built.add(full.reference);
    return ok({
      image: plan.image,
      ref: full.reference,
      tag: full.tag,
      cached: false,
      builder: result.value.builder === 'classic' ? 'classic' : 'BuildKit',
    });
  }
}

/** Why an image rebuilds, in words. */
function explainRebuild(plan: BuildPlan): string {
  if (plan.decision.kind !== 'rebuild') return 'changed';
  switch (plan.decision.reason) {
    case 'never-built':
      return 'no image with this content digest yet';
    case 'inputs-changed': {
      const shown = plan.changedInputs.slice(0, 3).join(', ');
      return `changed ${shown}${plan.changedInputs.length > 3 ? ` and ${plan.changedInputs.length - 3} more` : ''}`;
    }
    case 'settings-changed':
      return 'build settings changed (build args or target)';
    case 'base-rebuilt':
      return 'a devloop image it builds FROM was rebuilt';
  }
}
