import type { Action } from './actions.ts';
import type { LogStore } from './log-store.ts';
import type { LoopModel } from './loop-model.ts';
import type { BuiltImage, DeliveredImage, ImageBuilder, ImageDeliverer, ImagePlan } from './ports.ts';
import type { StepResult } from './run-steps.ts';

/** What an image step needs from the loop: its ports, and how to report. */
export interface StepContext {
  readonly dispatch: (action: Action) => void;
  readonly now: () => number;
  readonly model: LoopModel;
  readonly logs: LogStore;
  readonly builder: ImageBuilder;
  readonly deliverer: ImageDeliverer;
}

/**
 * Builds one image (its dependencies are built: the scheduler sees to it);
 * an image whose plan does not rebuild is passed on as it is. A failure is
 * dispatched; `cancelled` when the iteration was cancelled meanwhile.
 */
export async function buildStep(
  ctx: StepContext,
  plan: ImagePlan | undefined,
  signal: AbortSignal,
  built: Map<string, BuiltImage>,
): Promise<StepResult> {
  if (!plan) return 'failed';
  const image = plan.image;
  if (!plan.rebuild) {
    built.set(image, { image, ref: plan.reference, tag: plan.tag, cached: true });
    return 'done';
  }
  const startedAt = ctx.now();
  ctx.dispatch({ type: 'build-started', at: startedAt, image });
  const result = await ctx.builder.build(plan, {
    signal,
    onLine: (line) => {
      ctx.dispatch({ type: 'build-output', at: ctx.now(), image, line });
      logBuildLine(ctx, image, line);
    },
    onProgress: (progress) => {
      if (progress.kind === 'step')
        ctx.dispatch({
          type: 'build-step',
          at: ctx.now(),
          image,
          step: { index: progress.index, total: progress.total, text: progress.text },
        });
    },
  });
  if (signal.aborted) {
    ctx.dispatch({ type: 'build-cancelled', at: ctx.now(), image });
    return 'cancelled';
  }
  if (!result.ok) {
    ctx.dispatch({ type: 'build-failed', at: ctx.now(), image, problem: result.error });
    return 'failed';
  }
  ctx.dispatch({
    type: 'build-completed',
    at: ctx.now(),
    image,
    ref: result.value.ref,
    cached: result.value.cached,
    durationMs: ctx.now() - startedAt,
    ...(result.value.builder ? { builder: result.value.builder } : {}),
    ...(result.value.via ? { via: result.value.via } : {}),
  });
  built.set(image, result.value);
  return 'done';
}

/**
 * A build line in the log pane of every resource running the image, or an
 * image built FROM it, as `build/<image>`.
 */
function logBuildLine(ctx: StepContext, image: string, text: string): void {
  if (!text.trim()) return;
  const timestamp = new Date(ctx.now()).toISOString();
  const resources = ctx.model.resources.filter((r) => r.images.some((i) => buildsOn(ctx.model, i, image)));
  ctx.logs.appendToEach(
    resources.map((r) => r.name),
    { pod: 'build', container: image, timestamp, text, source: 'build' },
  );
}

/** Whether `image` is `base` or is built FROM it, directly or through other devloop images. */
function buildsOn(model: LoopModel, image: string, base: string, seen = new Set<string>()): boolean {
  if (image === base) return true;
  if (seen.has(image)) return false;
  seen.add(image);
  return (model.imageDependencies[image] ?? []).some((d) => buildsOn(model, d, base, seen));
}

/** Delivers one built image; a failure is dispatched. */
export async function deliverStep(
  ctx: StepContext,
  image: BuiltImage | undefined,
  signal: AbortSignal,
  delivered: Map<string, DeliveredImage>,
): Promise<StepResult> {
  if (!image) return 'failed';
  if (signal.aborted) return 'cancelled';
  ctx.dispatch({ type: 'delivery-started', at: ctx.now(), images: [image.image] });
  const result = await ctx.deliverer.deliver([image], { signal, onLine: () => undefined });
  if (signal.aborted) return 'cancelled';
  if (!result.ok) {
    ctx.dispatch({ type: 'delivery-failed', at: ctx.now(), images: [image.image], problem: result.error });
    return 'failed';
  }
  ctx.dispatch({ type: 'delivery-completed', at: ctx.now(), delivered: result.value });
  const mine = result.value.find((d) => d.image === image.image);
  if (!mine) return 'failed';
  delivered.set(image.image, mine);
  return 'done';
}
