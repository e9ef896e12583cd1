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

/** The outcome of one image in `runInOrder`. */
export type StepOutcome = 'done' | 'failed' | 'skipped';

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
 * Runs images as soon as their dependencies in the set succeeded, at most
 * `concurrency` at once — a base image first, its dependents after it,
 * independent images side by side. A failure skips everything that depends on it.
 */
export async function runInOrder({ dependencies, images, concurrency, run }: RunInOrderOptions): Promise<Map<string, StepOutcome>> {
  const wanted = new Set(images);
  const outcome = new Map<string, StepOutcome>();
  const running = new Map<string, Promise<void>>();
  const depsOf = (n: string): string[] => (dependencies[n] ?? []).filter((d) => wanted.has(d) && d !== n);
  const limit = Math.max(1, concurrency);
  for (;;) {
    for (const n of [...wanted].sort()) {
      if (outcome.has(n) || running.has(n)) continue;
      const deps = depsOf(n);
      if (deps.some((d) => outcome.get(d) === 'failed' || outcome.get(d) === 'skipped')) {
        outcome.set(n, 'skipped');
        continue;
      }
      if (running.size >= limit || !deps.every((d) => outcome.get(d) === 'done')) continue;
      running.set(
        n,
        run(n)
          .catch(() => false)
          .then((success) => {
            outcome.set(n, success ? 'done' : 'failed');
            running.delete(n);
          }),
      );
    }
    if (running.size === 0) {
      // Nothing running and nothing startable: whatever is left waits on a cycle.
      for (const n of wanted) if (!outcome.has(n)) outcome.set(n, 'skipped');
      return outcome;
    }
    await Promise.race(running.values());
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
