import type { Action } from './actions.ts';
import type { LogStore } from './log-store.ts';
import type { LoopModel } from './loop-model.ts';
import type { BuiltImage, DeliveredImage, ImageBuilder, ImageDeliverer, ImagePlan } from './ports.ts';
import type { Semaphore } from './semaphore.ts';

/** Thrown to unwind work a newer batch (or stopping) made obsolete; never reaches the user. */
export class Superseded extends Error {}

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
 * Builds one image once its devloop dependencies are built, within a build
 * slot; undefined when it or a dependency failed (the failure is dispatched).
 */
export async function buildStep(
  ctx: StepContext,
  image: string,
  plans: Map<string, ImagePlan>,
  slots: Semaphore,
  build: (image: string) => Promise<BuiltImage | undefined>,
  signal: AbortSignal,
): Promise<BuiltImage | undefined> {
  const plan = plans.get(image);
  if (!plan) return undefined;
  const dependencies = ctx.model.imageDependencies[image] ?? [];
  const deps = await Promise.all(dependencies.map(build));
  if (deps.some((d) => d === undefined)) return undefined;
  if (!plan.rebuild) return { image, ref: plan.reference, tag: plan.tag, cached: true };
  const release = await slots.acquire(signal);
  const startedAt = ctx.now();
  try {
    ctx.dispatch({ type: 'build-started', at: startedAt, image });
    const result = await ctx.builder.build(plan, {
      signal,
      onLine: (line) => {
        ctx.dispatch({ type: 'build-output', at: ctx.now(), image, line });
        logBuildLine(ctx, image, line);
      },
    });
    if (signal.aborted) {
      ctx.dispatch({ type: 'build-cancelled', at: ctx.now(), image });
      throw new Superseded('superseded');
    }
    if (!result.ok) {
      ctx.dispatch({ type: 'build-failed', at: ctx.now(), image, problem: result.error });
      return undefined;
    }
    ctx.dispatch({
      type: 'build-completed',
      at: ctx.now(),
      image,
      ref: result.value.ref,
      cached: result.value.cached,
      durationMs: ctx.now() - startedAt,
      ...(result.value.builder ? { builder: result.value.builder } : {}),
    });
    return result.value;
  } finally {
    release();
  }
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

/** Delivers one built image; undefined when it failed (the failure is dispatched). */
export async function deliverStep(ctx: StepContext, image: BuiltImage, signal: AbortSignal): Promise<DeliveredImage | undefined> {
  if (signal.aborted) throw new Superseded('superseded');
  ctx.dispatch({ type: 'delivery-started', at: ctx.now(), images: [image.image] });
  const result = await ctx.deliverer.deliver([image], { signal, onLine: () => undefined });
  if (signal.aborted) throw new Superseded('superseded');
  if (!result.ok) {
    ctx.dispatch({ type: 'delivery-failed', at: ctx.now(), images: [image.image], problem: result.error });
    return undefined;
  }
  ctx.dispatch({ type: 'delivery-completed', at: ctx.now(), delivered: result.value });
  return result.value.find((d) => d.image === image.image);
}
