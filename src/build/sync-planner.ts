import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { ResolvedConfig, ResolvedImage } from '../config/resolved-config.ts';
import type { FileChange } from '../core/file-change.ts';
import type { SyncFile } from '../core/sync-file.ts';
import { createBuildContext } from '../graph/build-context.ts';
import { inferSyncRules, matchesGlob, type SyncRule, syncCoverage } from '../graph/sync-coverage.ts';
import type { FileSystem } from '../system/file-system.ts';
import type { BuildPlan } from './plan-images.ts';

/**
 * The live-update answer for one image and the changes since its containers
 * last matched a known state: copy these files (then run these commands), or
 * rebuild and why. `key` names the Dockerfile it was decided against, so a
 * live update found impossible stays off until the Dockerfile changes.
 */
export type SyncPlan =
  | { readonly kind: 'sync'; readonly files: readonly SyncFile[]; readonly runs: readonly (readonly string[])[]; readonly key: string }
  | { readonly kind: 'rebuild'; readonly why: string; readonly key: string };

/**
 * Live-update planning over the graph's coverage rules: an image's
 * `sync` rules (or the ones inferred from its Dockerfile) against the newest
 * plan's Dockerfile model and build context, and the `run` steps whose
 * `when` globs match a synced file.
 */
export class LiveUpdatePlanner {
  readonly #config: Pick<ResolvedConfig, 'images'>;
  readonly #latest: (image: string) => BuildPlan | undefined;

  constructor(options: { config: Pick<ResolvedConfig, 'images'>; latestPlan: (image: string) => BuildPlan | undefined }) {
    this.#config = options.config;
    this.#latest = options.latestPlan;
  }

  /** Undefined when the image has no live update (or was not planned). */
  async planSync(image: string, changes: readonly FileChange[]): Promise<SyncPlan | undefined> {
    const resolved = this.#config.images[image];
    const live = resolved && liveUpdateOf(resolved);
    const plan = this.#latest(image);
    const model = plan?.inputs.model;
    if (!resolved || !live || !plan || !model) return undefined;
    const { inputs } = plan;
    const key = createHash('sha256')
      .update(`${inputs.dockerfileText}\0${resolved.target ?? ''}\0${JSON.stringify(inputs.baseDigests)}`)
      .digest('hex')
      .slice(0, 16);
    const context = createBuildContext({
      dir: resolved.context,
      dockerfile: resolved.dockerfile,
      dockerignore: inputs.dockerignoreText,
      ...(inputs.dockerignoreFile ? { dockerignoreFile: inputs.dockerignoreFile } : {}),
      extraIgnore: resolved.ignore,
    });
    const rules: SyncRule[] =
      live.sync === 'infer'
        ? inferSyncRules(
            model,
            resolved.target,
            (p) => inputs.files.some((f) => f.path === p && f.kind === 'directory') || inputs.files.some((f) => f.path.startsWith(`${p}/`)),
          )
        : live.sync.map((r) => ({ from: cleanRelative(r.from), to: r.to }));
    const coverage = syncCoverage({ model, target: resolved.target, context, rules, changes });
    if (coverage.kind === 'rebuild') return { kind: 'rebuild', why: coverage.why, key };
    const synced = coverage.files.map((f) => f.path);
    const runs = live.run
      .filter((r) => r.when.length === 0 || synced.some((f) => r.when.some((g) => matchesGlob(g, f))))
      .map((r) => r.command);
    const files = coverage.files.map((f) => ({
      localPath: path.join(resolved.context, f.path),
      containerPath: f.containerPath,
      kind: f.kind,
    }));
    return { kind: 'sync', files, runs: files.length > 0 ? runs : [], key };
  }
}

/** An image's live-update rules and run steps, or undefined when it has none or `syncMode` is `off`. */
export function liveUpdateOf(
  image: ResolvedImage,
): { sync: NonNullable<ResolvedImage['sync']>; run: NonNullable<ResolvedImage['run']> } | undefined {
  return image.sync === undefined || image.syncMode === 'off' ? undefined : { sync: image.sync, run: image.run ?? [] };
}

/** `./site/` → `site`, `.` → `` (the whole context). */
function cleanRelative(from: string): string {
  return path.posix
    .normalize(from)
    .replace(/^\.(\/|$)|\/$/g, '')
    .replace(/^\.$/, '');
}

/**
 * For `devloop plan --changed`: per image with live update that the plan
 * rebuilds, whether exactly these paths (relative to its context; gone ones
 * count as deleted) would be synced instead.
 */
export async function planLiveUpdates(options: {
  fs: FileSystem;
  images: readonly ResolvedImage[];
  plans: readonly BuildPlan[];
  changed: readonly string[];
}): Promise<Map<string, SyncPlan>> {
  const { fs, images, changed } = options;
  const byName = new Map(options.plans.map((p) => [p.name, p]));
  const planner = new LiveUpdatePlanner({
    config: { images: Object.fromEntries(images.map((i) => [i.name, i])) },
    latestPlan: (name) => byName.get(name),
  });
  const out = new Map<string, SyncPlan>();
  for (const image of images) {
    if (!liveUpdateOf(image) || !byName.get(image.name)?.rebuild) continue;
    const changes: FileChange[] = [];
    for (const p of changed) {
      const absolute = path.resolve(image.context, p);
      changes.push({ path: absolute, kind: (await fs.stat(absolute)) ? 'change' : 'unlink' });
    }
    const sync = await planner.planSync(image.name, changes);
    if (sync) out.set(image.name, sync);
  }
  return out;
}
