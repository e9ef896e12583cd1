import type { ResolvedConfig } from '../config/resolved-config.ts';
import type { FileChange } from '../core/file-change.ts';
import type { Problem } from '../core/problem.ts';
import { err, ok, type Result } from '../core/result.ts';
import type { FileSystem } from '../system/file-system.ts';
import { buildOne } from './build-images.ts';
import type { BuildProgress } from './build-output.ts';
import type { BuildRecordStore } from './build-record.ts';
import type { DockerBuilder } from './docker-builder.ts';
import type { HashIndex } from './hash-index.ts';
import { type BuiltImage, type ImagePlan, summarizePlan } from './image-plan.ts';
import { buildProblem, cycleProblem, invalidPlanProblem, notPlannedProblem } from './image-problems.ts';
import { IndexSaver } from './index-saver.ts';
import { type BuildPlan, planImages } from './plan-images.ts';

/** What `DockerImages` plans and builds with. */
export interface DockerImagesOptions {
  readonly config: Pick<ResolvedConfig, 'images'>;
  readonly fs: FileSystem;
  /** Where `{ env }` build secrets are read from; none when absent. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly index: HashIndex;
  readonly docker: DockerBuilder;
  readonly records?: BuildRecordStore;
  /** Other names to build an image under: the registry reference delivery will push, so it needs no `docker tag`. */
  readonly alsoTag?: (image: string, tag: string) => readonly string[];
  /** How long the hash index waits to be saved after a plan. */
  readonly saveDelayMs?: number;
}

/**
 * The loop's image planner and builder over the build module: plans from
 * content digests (no Docker call unless the digest's image may be missing),
 * builds with the classic builder or BuildKit, passing the built tags of
 * devloop base images as build args.
 */
export class DockerImages {
  readonly #o: DockerImagesOptions;
  readonly #saver: IndexSaver;
  /** Plans of the last two planning passes, by `name@tag` (a build may start from the one before the newest). */
  #plans = new Map<string, BuildPlan>();
  #previousPlans = new Map<string, BuildPlan>();
  /** The newest plan of each image: where base images' tags come from. */
  #latest = new Map<string, BuildPlan>();
  /** References built in this session: their plans say fresh from then on. */
  #built = new Set<string>();

  constructor(options: DockerImagesOptions) {
    this.#o = options;
    this.#saver = new IndexSaver(options.index, options.saveDelayMs);
  }

  /**
   * Plans every image; `changes` are the batch's paths (empty on the first
   * pass). Later passes look only at those paths again, unless `rescan` says
   * other files may have changed too (a local command wrote them).
   */
  async plan(changes: readonly FileChange[], options: { readonly rescan?: boolean } = {}): Promise<Result<ImagePlan[], Problem>> {
    const { index } = this.#o;
    index.invalidate(changes.map((c) => c.path));
    const planned = await planImages({
      images: Object.values(this.#o.config.images),
      fs: this.#o.fs,
      env: this.#o.env ?? {},
      index,
      builder: this.#o.docker,
      ...(this.#o.records ? { records: this.#o.records } : {}),
      ...(this.#latest.size > 0 && !options.rescan ? { incremental: { previous: this.#latest, changed: changes.map((c) => c.path) } } : {}),
    });
    this.#saver.soon();
    if ('failure' in planned) return err(cycleProblem(planned.failure.cycle));
    this.#previousPlans = this.#plans;
    this.#plans = new Map();
    const out: ImagePlan[] = [];
    for (const plan of planned.plans) {
      if (plan.decision.kind === 'invalid') return err(invalidPlanProblem(plan));
      this.#plans.set(`${plan.name}@${plan.tag}`, plan);
      this.#latest.set(plan.name, plan);
      out.push(summarizePlan(plan, plan.rebuild && !this.#built.has(plan.reference)));
    }
    return ok(out);
  }

  /** The newest full plan of an image (its Dockerfile model and inputs), for live update. */
  latestPlan(image: string): BuildPlan | undefined {
    return this.#latest.get(image);
  }

  /** Builds a planned image from the newest pass's plan, or the one before (a batch may have planned again meanwhile). */
  async build(
    plan: ImagePlan,
    options: { signal: AbortSignal; onLine: (line: string) => void; onProgress?: (progress: BuildProgress) => void },
  ): Promise<Result<BuiltImage, Problem>> {
    const full = this.#plans.get(`${plan.image}@${plan.tag}`) ?? this.#previousPlans.get(`${plan.image}@${plan.tag}`);
    if (!full) return err(notPlannedProblem(plan.image));
    const result = await buildOne({
      plan: full,
      plans: this.#latest,
      builder: this.#o.docker,
      ...(this.#o.records ? { records: this.#o.records } : {}),
      alsoTag: this.#o.alsoTag?.(full.name, full.tag) ?? [],
      signal: options.signal,
      onLine: (line) => options.onLine(line),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    if (!result.ok) return err(buildProblem(plan.image, result.error));
    this.#built.add(full.reference);
    return ok({
      image: plan.image,
      ref: full.reference,
      tag: full.tag,
      cached: false,
      builder: result.value.builder === 'classic' ? 'classic' : 'BuildKit',
      ...(result.value.viaEngine ? { via: 'engine' as const } : result.value.builder === 'classic' ? {} : { via: 'buildx' as const }),
    });
  }
}
