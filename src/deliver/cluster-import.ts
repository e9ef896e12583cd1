import { err, ok, type Result } from '../core/result.ts';
import type { ProcessRunner } from '../system/process-runner.ts';
import type { ImageDeliveryPlan } from './choose-delivery.ts';
import type { DeliveryError } from './delivery-error.ts';
import { lastLines } from './k3d-cli.ts';
import { type NodeImage, type NodeImageLister, nodeHasImage } from './node-image-lister.ts';

/** What an import did, for the timed stage and the UI. */
export type ImportOutcome =
  | { readonly kind: 'skipped'; readonly why: string; readonly nodes: readonly string[] }
  | {
      readonly kind: 'imported';
      readonly nodes: readonly string[];
      /** Every import copies the whole image: its size in the engine. */
      readonly bytes: number | undefined;
    };

/**
 * Imports one image into a k3d cluster with `k3d image import -m direct`
 * (the default tools-node mode exits 0 when a node failed), then checks that
 * every node lists it. Skips the import when every node already has it.
 */
export async function importImage(options: {
  readonly runner: ProcessRunner;
  readonly lister: NodeImageLister;
  readonly plan: ImageDeliveryPlan;
  readonly cluster: string;
  readonly nodes: readonly string[];
  readonly k3dCommand?: string | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly onLine?: ((line: string) => void) | undefined;
}): Promise<Result<ImportOutcome, DeliveryError>> {
  const { runner, lister, plan, cluster, nodes, signal } = options;
  const localRef = plan.image.localRef;

  const inspect = await runner.run('docker', ['image', 'inspect', '--format', '{{.Id}} {{.Size}}', localRef], { signal });
  if (inspect.cancelled) return err({ reason: 'cancelled', image: localRef });
  if (inspect.exitCode !== 0)
    return err({
      reason: 'image-missing',
      image: localRef,
      detail: inspect.notFound ? 'docker not found on PATH' : lastLines(inspect.stderr || inspect.stdout),
    });
  const [imageId, size] = inspect.stdout.trim().split(/\s+/);
  const bytes = size !== undefined && /^\d+$/.test(size) ? Number(size) : undefined;

  const before = await whereIsImage({ lister, nodes, ref: plan.deployRef, imageId, signal });
  if (!before.ok) return before;
  if (nodes.length > 0 && before.value.missingOn.length === 0)
    return ok({ kind: 'skipped', why: `every node has ${plan.deployRef}`, nodes });

  // Flags first, then `--`: nothing after it can be read as a flag by k3d.
  const args = ['image', 'import', '--mode=direct', `--cluster=${cluster}`, '--', localRef];
  const onLine = options.onLine ? (line: string) => options.onLine?.(line) : undefined;
  let run = await runner.run(options.k3dCommand ?? 'k3d', args, { signal, onLine });
  // k3d's direct mode streams `docker save` into `ctr image import` inside the
  // node over one hijacked connection, and that stream breaks now and then
  // when the engine is busy; the import is idempotent, so it is tried again.
  for (let retry = 1; retry <= STREAM_RETRIES && run.exitCode !== 0 && !run.cancelled && isBrokenStream(run.stderr); retry++) {
    options.onLine?.(`k3d's image stream broke; importing again (${retry} of ${STREAM_RETRIES})`);
    run = await runner.run(options.k3dCommand ?? 'k3d', args, { signal, onLine });
  }
  if (run.notFound) return err({ reason: 'k3d-not-installed' });
  if (run.cancelled) return err({ reason: 'cancelled', image: localRef });
  if (run.exitCode !== 0)
    return err({
      reason: 'import-failed',
      image: localRef,
      cluster,
      detail: lastLines(run.stderr || run.stdout) || `exit code ${run.exitCode}`,
    });

  const after = await whereIsImage({ lister, nodes, ref: plan.deployRef, imageId, signal });
  if (!after.ok) return after;
  if (after.value.missingOn.length > 0)
    return err({
      reason: 'import-partial',
      image: localRef,
      cluster,
      missingOn: after.value.missingOn,
      presentOn: after.value.presentOn,
    });
  return ok({ kind: 'imported', nodes, bytes });
}

const STREAM_RETRIES = 2;

/** k3d's words when the stream into a node's `ctr image import` broke off. */
export function isBrokenStream(stderr: string): boolean {
  return /failed to copy read stream|closed pipe|use of closed network connection|broken pipe/i.test(stderr);
}

/** Lists every node (in parallel) and splits them by whether they hold `ref`. */
async function whereIsImage(options: {
  readonly lister: NodeImageLister;
  readonly nodes: readonly string[];
  readonly ref: string;
  readonly imageId: string | undefined;
  readonly signal?: AbortSignal | undefined;
}): Promise<Result<{ presentOn: string[]; missingOn: string[] }, DeliveryError>> {
  const listed = await Promise.all(
    options.nodes.map(async (node) => ({ node, images: await options.lister.listImages(node, { signal: options.signal }) })),
  );
  const presentOn: string[] = [];
  const missingOn: string[] = [];
  for (const { node, images } of listed) {
    if (!images.ok) return err({ reason: 'node-unreadable', node, detail: images.error });
    (nodeHasImage(images.value as NodeImage[], options.ref, options.imageId) ? presentOn : missingOn).push(node);
  }
  return ok({ presentOn, missingOn });
}
