/** Median and spread of repeated measurements: what every figure in the report is. */
export interface Spread {
  readonly n: number;
  readonly median: number;
  readonly min: number;
  readonly p25: number;
  readonly p75: number;
  readonly max: number;
  readonly mean: number;
}

/** The q-quantile (0…1) of sorted values, linearly interpolated between neighbours. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  const low = sorted[below] ?? Number.NaN;
  const high = sorted[above] ?? low;
  return low + (high - low) * (position - below);
}

/** Median with min / p25 / p75 / max; undefined without samples. */
export function summarize(samples: readonly number[]): Spread | undefined {
  const values = samples.filter((v) => Number.isFinite(v));
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    median: quantile(sorted, 0.5),
    min: sorted[0] ?? Number.NaN,
    p25: quantile(sorted, 0.25),
    p75: quantile(sorted, 0.75),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    mean: sorted.reduce((sum, v) => sum + v, 0) / sorted.length,
  };
}

/** Total length covered by possibly overlapping [start, end] intervals, clipped to `within`. */
export function unionLength(intervals: readonly (readonly [number, number])[], within?: readonly [number, number]): number {
  const clipped = intervals
    .map(([s, e]) => (within ? ([Math.max(s, within[0]), Math.min(e, within[1])] as const) : ([s, e] as const)))
    .filter(([s, e]) => e > s)
    .sort((a, b) => a[0] - b[0]);
  let total = 0;
  let current: [number, number] | undefined;
  for (const [s, e] of clipped) {
    if (!current || s > current[1]) {
      if (current) total += current[1] - current[0];
      current = [s, e];
    } else current[1] = Math.max(current[1], e);
  }
  if (current) total += current[1] - current[0];
  return total;
}
