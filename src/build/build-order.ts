import { err, ok, type Result } from '../core/result.ts';

/** Image name → names of the devloop images it needs built first (config `dependsOn` plus FROM references). */
export type ImageDependencies = Readonly<Record<string, readonly string[]>>;

/** Why no order exists. */
export type OrderError = { readonly reason: 'dependency-cycle'; readonly cycle: readonly string[] };

/**
 * Topological layers: every image in a layer depends only on images in
 * earlier layers. Dependencies on names that are not images are ignored
 * (config validation reports them). Layers are sorted for stable output.
 */
export function buildLayers(dependencies: ImageDependencies): Result<string[][], OrderError> {
  const names = Object.keys(dependencies).sort();
  const placed = new Set<string>();
  const layers: string[][] = [];
  while (placed.size < names.length) {
    const layer = names.filter(
      (n) => !placed.has(n) && (dependencies[n] ?? []).every((d) => placed.has(d) || !(d in dependencies) || d === n),
    );
    if (layer.length === 0)
      return err({
        reason: 'dependency-cycle',
        cycle: findCycle(
          dependencies,
          names.filter((n) => !placed.has(n)),
        ),
      });
    for (const n of layer) placed.add(n);
    layers.push(layer);
  }
  return ok(layers);
}

/** The outcome of one image's step. */
export type StepOutcome = 'done' | 'failed' | 'skipped';

/** Where each image's step stands: absent = not started. */
export type ImageProgress = ReadonlyMap<string, 'running' | StepOutcome>;

/** Why an image that is not started yet does not start now. */
export type ImageWait = { readonly kind: 'dependency'; readonly on: string } | { readonly kind: 'build-slot' };

/** What to do next with a set of images: the answer of `nextImages`. */
export interface ImageSchedule {
  /** Start these now. */
  readonly start: readonly string[];
  /** These will never run: a dependency failed or was skipped, or they wait on a cycle. */
  readonly skip: readonly string[];
  /** Not started, and why. */
  readonly waiting: ReadonlyMap<string, ImageWait>;
  /** Nothing is running and nothing can start: every image has its outcome (after `skip`). */
  readonly settled: boolean;
}

/**
 * The ordering rule of every build in devloop, pure: an image starts once
 * every dependency in the set is done, while fewer than `concurrency` of the
 * images that take a build slot run; a failed or skipped dependency skips its
 * dependents. Images outside the set count as done. `takesSlot` says which
 * images do real work (a fresh image only passes its dependencies on).
 */
export function nextImages(options: {
  readonly dependencies: ImageDependencies;
  readonly images: readonly string[];
  readonly progress: ImageProgress;
  readonly concurrency: number;
  readonly takesSlot?: (image: string) => boolean;
}): ImageSchedule {
  const { dependencies, progress } = options;
  const takesSlot = options.takesSlot ?? (() => true);
  const wanted = new Set(options.images);
  const depsOf = (n: string): string[] => (dependencies[n] ?? []).filter((d) => wanted.has(d) && d !== n);
  let busy = [...progress].filter(([n, s]) => s === 'running' && takesSlot(n)).length;
  const limit = Math.max(1, options.concurrency);
  const start: string[] = [];
  const skip: string[] = [];
  const waiting = new Map<string, ImageWait>();
  const outcome = (n: string) => (skip.includes(n) ? 'skipped' : progress.get(n));
  // Sorted, and dependencies before dependents, so one call settles a whole chain of skips.
  for (const n of topological([...wanted].sort(), depsOf)) {
    if (progress.has(n)) continue;
    const deps = depsOf(n);
    if (deps.some((d) => outcome(d) === 'failed' || outcome(d) === 'skipped')) {
      skip.push(n);
      continue;
    }
    const pending = deps.find((d) => outcome(d) !== 'done');
    if (pending !== undefined) {
      waiting.set(n, { kind: 'dependency', on: pending });
      continue;
    }
    if (takesSlot(n)) {
      if (busy >= limit) {
        waiting.set(n, { kind: 'build-slot' });
        continue;
      }
      busy++;
    }
    start.push(n);
  }
  const running = [...progress.values()].includes('running');
  if (!running && start.length === 0) {
    // Nothing running and nothing startable: whatever still waits, waits on a cycle.
    skip.push(...waiting.keys());
    waiting.clear();
  }
  return { start, skip, waiting, settled: !running && start.length === 0 };
}

/** `names` with every name after the names it depends on (a cycle keeps the given order). */
function topological(names: readonly string[], depsOf: (n: string) => readonly string[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (n: string) => {
    if (seen.has(n)) return;
    seen.add(n);
    for (const d of depsOf(n)) visit(d);
    out.push(n);
  };
  for (const n of names) visit(n);
  return out;
}

/** Inputs of `runInOrder`. */
export interface RunInOrderOptions {
  readonly dependencies: ImageDependencies;
  /** Only these images (and nothing else) run; their dependencies must be done already or be in the set. */
  readonly images: readonly string[];
  /** How many run at once; at least 1. */
  readonly concurrency: number;
  /** Runs one image; resolves true on success. */
  readonly run: (image: string) => Promise<boolean>;
}

/**
 * Runs images in the order `nextImages` gives — a base image first, its
 * dependents after it, independent images side by side, at most
 * `concurrency` at once; a failure skips everything that depends on it.
 */
export async function runInOrder({ dependencies, images, concurrency, run }: RunInOrderOptions): Promise<Map<string, StepOutcome>> {
  const progress = new Map<string, 'running' | StepOutcome>();
  const running = new Set<Promise<void>>();
  for (;;) {
    const next = nextImages({ dependencies, images, progress, concurrency });
    for (const n of next.skip) progress.set(n, 'skipped');
    for (const n of next.start) {
      progress.set(n, 'running');
      const step: Promise<void> = run(n)
        .catch(() => false)
        .then((success) => {
          progress.set(n, success ? 'done' : 'failed');
          running.delete(step);
        });
      running.add(step);
    }
    if (running.size === 0) return new Map([...progress].filter((e): e is [string, StepOutcome] => e[1] !== 'running'));
    await Promise.race(running);
  }
}

function findCycle(dependencies: ImageDependencies, remaining: readonly string[]): string[] {
  const start = remaining[0];
  if (start === undefined) return [];
  const path: string[] = [];
  let current: string | undefined = start;
  while (current !== undefined && !path.includes(current)) {
    path.push(current);
    current = (dependencies[current] ?? []).find((d) => remaining.includes(d));
  }
  return current === undefined ? path : [...path.slice(path.indexOf(current)), current];
}
