import { type Spread, summarize } from './stats.ts';

/** What a figure is measured in. */
export type Unit = 'ms' | 'MB' | '%' | 'count' | 'bytes' | 's';

/** One measured figure: every sample, its summary, and the target when it has one. */
export interface Metric {
  readonly name: string;
  readonly unit: Unit;
  readonly samples: readonly number[];
  readonly summary: Spread | undefined;
  /** Target from issue 9: the median should be at most this; shown, never enforced. */
  readonly target?: number;
  readonly note?: string;
}

/** What one scenario hands back. */
export interface ScenarioResult {
  readonly metrics: readonly Metric[];
  /** Facts that are not distributions: counts, labels, proofs. */
  readonly facts: Readonly<Record<string, string | number | boolean>>;
  readonly notes: readonly string[];
}

/** What every scenario gets. */
export interface ScenarioContext {
  readonly iterations: number;
  /** Seconds of idle measurement (scale). */
  readonly idleSeconds: number;
  /** Progress for a person watching; goes to stderr. */
  log(line: string): void;
}

/** A benchmark scenario: one file under bench/scenarios/. */
export interface Scenario {
  readonly name: string;
  readonly title: string;
  readonly defaultIterations: number;
  /** Needs the Kubernetes cluster (all but scale). */
  readonly needsCluster: boolean;
  /** Left out of "all scenarios": runs only when named on the command line. */
  readonly onlyWhenNamed?: boolean;
  /** Why the scenario cannot run on this machine, or undefined when it can; checked before the environment is opened. */
  skipReason?(): string | undefined;
  run(ctx: ScenarioContext): Promise<ScenarioResult>;
}

/** Builds a metric from samples. */
export function metric(name: string, unit: Unit, samples: readonly number[], extra: { target?: number; note?: string } = {}): Metric {
  return { name, unit, samples: samples.map((v) => Math.round(v * 1000) / 1000), summary: summarize(samples), ...extra };
}

/** Collects metric samples by name across iterations, in first-seen order. */
export class SampleTable {
  readonly #rows = new Map<string, { unit: Unit; samples: number[]; target?: number; note?: string }>();

  add(name: string, unit: Unit, value: number | undefined, extra: { target?: number; note?: string } = {}): void {
    let row = this.#rows.get(name);
    if (!row) {
      row = { unit, samples: [], ...extra };
      this.#rows.set(name, row);
    }
    if (value !== undefined && Number.isFinite(value)) row.samples.push(value);
  }

  metrics(): Metric[] {
    return [...this.#rows].map(([name, row]) => {
      const extra: { target?: number; note?: string } = {};
      if (row.target !== undefined) extra.target = row.target;
      if (row.note !== undefined) extra.note = row.note;
      return metric(name, row.unit, row.samples, extra);
    });
  }
}
