import { type BuildOutcome, buildImages } from '../../build/build-images.ts';
import { machineBuilder } from '../../build/machine-builder.ts';
import { describeOutcome, outcomeJson } from '../../build/outcome-description.ts';
import { describePlan } from '../../build/plan-description.ts';
import { planImages } from '../../build/plan-images.ts';
import { withDependencies } from '../../build/with-dependencies.ts';
import type { ResolvedConfig } from '../../config/resolved-config.ts';
import { ExitCode } from '../../core/exit-code.ts';
import type { CliContext } from '../cli-context.ts';
import { openCaches, selectImages } from './image-selection.ts';

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
  const builder = await machineBuilder({ runner: ctx.runner, fs: ctx.fs, env: ctx.env });
  const result = await planImages({ images: selection.images, fs: ctx.fs, env: ctx.env, index, records, builder });
  await index.save();
  await index.close();
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
