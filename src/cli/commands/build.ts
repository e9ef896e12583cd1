import { type BuildOutcome, buildImages } from '../../build/build-images.ts';
import { findBuildxPlugin } from '../../build/buildx-plugin.ts';
import { DockerBuilder } from '../../build/docker-builder.ts';
import { type BuildPlan, planImages } from '../../build/plan-images.ts';
import type { ResolvedConfig } from '../../config/resolved-config.ts';
import { ExitCode } from '../../core/exit-code.ts';
import { unreachable } from '../../core/unreachable.ts';
import type { CliContext } from '../cli-context.ts';
import { openCaches, selectImages } from './image-selection.ts';
import { describePlan } from './plan.ts';

/** Options of `devloop build`. */
export interface BuildOptions {
  readonly config?: ResolvedConfig;
  /** Image names to build (their dependencies come along); default all. */
  readonly images?: readonly string[];
  /** `docker build --network`, e.g. `host` where the daemon has no bridge network. */
  readonly network?: string;
  readonly json?: boolean;
}

/**
 * `devloop build [IMAGE...]`: builds what needs building — bases first,
 * independent images in parallel up to `build.concurrency` — and says for
 * every image what was fresh and why. Docker's output streams to stderr,
 * prefixed with the image name.
 */
export async function runBuild(ctx: CliContext, options: BuildOptions): Promise<ExitCode> {
  const selection = await selectImages(ctx, { ...(options.config ? { config: options.config } : {}) });
  if ('usage' in selection) {
    ctx.stderr.write(`${selection.usage}\n`);
    return ExitCode.usage;
  }
  const known = new Set(selection.images.map((i) => i.name));
  const unknown = (options.images ?? []).filter((n) => !known.has(n));
  if (unknown.length > 0) {
    ctx.stderr.write(`unknown image${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')} (known: ${[...known].join(', ')})\n`);
    return ExitCode.usage;
  }
  const { index, records } = await openCaches(ctx, selection.projectRoot);
  const builder = new DockerBuilder({ runner: ctx.runner, findBuildx: () => findBuildxPlugin({ fs: ctx.fs, env: ctx.env }) });
  const result = await planImages({ images: selection.images, fs: ctx.fs, env: ctx.env, index, records, builder });
  await index.save();
  if ('failure' in result) {
    ctx.stderr.write(`images depend on each other in a cycle: ${result.failure.cycle.join(' → ')}\n`);
    return ExitCode.usage;
  }
  const plans = withDependencies(result.plans, options.images);
  if (!options.json) for (const plan of plans) ctx.stdout.write(`${describePlan(plan)}\n`);
  const outcomes = await buildImages({
    plans,
    builder,
    records,
    concurrency: options.config?.build.concurrency ?? 2,
    signal: ctx.signal,
    ...(options.network ? { network: options.network } : {}),
    onEvent: (event) => {
      if (event.type === 'build-line' && !options.json) ctx.stderr.write(`${event.image} │ ${event.line}\n`);
    },
  });
  const list = plans.map((p) => outcomes.get(p.name)).filter((o): o is BuildOutcome => o !== undefined);
  if (options.json) {
    ctx.stdout.write(`${JSON.stringify({ images: list.map(outcomeJson) }, null, 2)}\n`);
  } else {
    for (const outcome of list) ctx.stdout.write(`${describeOutcome(outcome)}\n`);
  }
  if (ctx.signal.aborted) return ExitCode.interrupted;
  return list.every((o) => o.kind === 'fresh' || o.kind === 'built') ? ExitCode.ok : ExitCode.failure;
}

function withDependencies(plans: readonly BuildPlan[], names: readonly string[] | undefined): BuildPlan[] {
  if (!names || names.length === 0) return [...plans];
  const byName = new Map(plans.map((p) => [p.name, p]));
  const wanted = new Set<string>();
  const add = (n: string): void => {
    if (wanted.has(n)) return;
    wanted.add(n);
    for (const d of byName.get(n)?.dependencies ?? []) add(d);
  };
  for (const n of names) add(n);
  return plans.filter((p) => wanted.has(p.name));
}

/** One readable line per image after the build. */
export function describeOutcome(outcome: BuildOutcome): string {
  const { plan } = outcome;
  switch (outcome.kind) {
    case 'fresh':
      return `${plan.name}: fresh, not built (${plan.reference} already exists)`;
    case 'built': {
      const r = outcome.result;
      return `${plan.name}: built ${plan.reference} in ${(r.durationMs / 1000).toFixed(1)}s (${r.cachedSteps.length} steps from cache, ${r.executedSteps.length} run)`;
    }
    case 'skipped':
      return outcome.reason === 'invalid'
        ? `${plan.name}: not built (${plan.diagnostics[0]?.code === 'build-secret-missing' ? 'a build secret is missing' : 'the Dockerfile has errors'})`
        : `${plan.name}: not built (an image it depends on failed)`;
    case 'failed': {
      const f = outcome.failure;
      switch (f.reason) {
        case 'build-cancelled':
          return `${plan.name}: build cancelled`;
        case 'docker-unavailable':
          return `${plan.name}: docker is not available: ${f.message}`;
        case 'build-failed':
          return [
            `${plan.name}: build failed${f.step ? ` at step ${f.step.index} ${f.step.text}` : ''}: ${f.message}`,
            ...f.outputTail.slice(-15).map((l) => `  ${l}`),
          ].join('\n');
        default:
          return unreachable(f);
      }
    }
    default:
      return unreachable(outcome);
  }
}

function outcomeJson(outcome: BuildOutcome) {
  const base = { name: outcome.plan.name, reference: outcome.plan.reference, digest: outcome.plan.digest, decision: outcome.plan.decision };
  switch (outcome.kind) {
    case 'fresh':
      return { ...base, result: 'fresh' };
    case 'built':
      return {
        ...base,
        result: 'built',
        durationMs: Math.round(outcome.result.durationMs),
        cachedSteps: outcome.result.cachedSteps,
        executedSteps: outcome.result.executedSteps,
      };
    case 'skipped':
      return { ...base, result: 'skipped', reason: outcome.reason };
    case 'failed':
      return { ...base, result: 'failed', failure: outcome.failure };
    default:
      return unreachable(outcome);
  }
}
