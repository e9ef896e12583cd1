import { err, ok, type Result } from '../core/result.ts';
import type { ProcessRunner, RunResult } from '../system/process-runner.ts';
import type { ImageDeliveryPlan } from './choose-delivery.ts';
import type { DeliveryError } from './delivery-error.ts';
import { lastLines } from './k3d-cli.ts';
import { type RegistryClient, registryFailureToError } from './registry-client.ts';

/** What a push did, for the timed stage and the UI. */
export type PushOutcome =
  | { readonly kind: 'skipped'; readonly why: string; readonly digest: string | undefined }
  | {
      readonly kind: 'pushed';
      readonly digest: string | undefined;
      /** Layers that travelled. */
      readonly layersPushed: number;
      /** Layers the registry already had (`Layer already exists`, `Mounted from`). */
      readonly layersReused: number;
      /** Compressed bytes of the layers that travelled, when the manifest tells. */
      readonly bytesPushed: number | undefined;
    };

/** Layer counts parsed from `docker push` output. */
export interface PushProgress {
  /** Short layer ids (12 hex of the diff id) that were pushed. */
  readonly pushed: readonly string[];
  readonly reused: readonly string[];
  readonly digest: string | undefined;
}

/**
 * Reads `docker push` output: `<id>: Pushed`, `<id>: Layer already exists`,
 * `<id>: Mounted from <repo>`, and the final `<tag>: digest: sha256:… size: N`.
 */
export function parsePushOutput(text: string): PushProgress {
  const pushed = new Set<string>();
  const reused = new Set<string>();
  let digest: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    const layer = /^([0-9a-f]{12}): (Pushed|Layer already exists|Mounted from .*)$/.exec(line.trim());
    if (layer?.[1]) (layer[2] === 'Pushed' ? pushed : reused).add(layer[1]);
    const final = /digest: (sha256:[0-9a-f]{64})/.exec(line);
    if (final?.[1]) digest = final[1];
  }
  return { pushed: [...pushed], reused: [...reused], digest };
}

/**
 * Pushes one image to the registry with `docker push` (Docker sends only the
 * layers the registry lacks), unless the registry already holds the tag's
 * manifest: content tags make that a safe skip. The builder normally tagged
 * the image with its registry reference already; an image built before
 * (another session, another route) gets a `docker tag` first.
 */
export async function pushImage(options: {
  readonly runner: ProcessRunner;
  readonly registry: RegistryClient;
  readonly plan: ImageDeliveryPlan;
  readonly pushHost: string;
  readonly signal?: AbortSignal | undefined;
  readonly onLine?: ((line: string) => void) | undefined;
}): Promise<Result<PushOutcome, DeliveryError>> {
  const { runner, registry, plan, pushHost, signal } = options;
  const pushRef = plan.pushRef;
  if (!pushRef) throw new Error(`pushImage called for an ${plan.mode} plan`);
  const image = plan.image;

  const existing = await registry.manifestDigest(pushHost, image.repository, image.tag);
  if (!existing.ok) return err(registryFailureToError(existing.error));
  if (existing.value) return ok({ kind: 'skipped', why: `registry already has ${pushRef}`, digest: existing.value });

  const pushOnce = () =>
    runner.run('docker', ['push', pushRef], { signal, onLine: options.onLine ? (line) => options.onLine?.(line) : undefined });
  let push = await pushOnce();
  if (push.cancelled) return err({ reason: 'cancelled', image: image.localRef });
  if (push.exitCode !== 0 && isUntagged(push)) {
    const tag = await runner.run('docker', ['tag', image.localRef, pushRef], { signal });
    if (tag.cancelled) return err({ reason: 'cancelled', image: image.localRef });
    if (tag.exitCode !== 0) return err({ reason: 'image-missing', image: image.localRef, detail: detailOf(tag) });
    push = await pushOnce();
    if (push.cancelled) return err({ reason: 'cancelled', image: image.localRef });
  }
  if (push.exitCode !== 0) return err({ reason: 'push-failed', image: image.localRef, pushRef, detail: detailOf(push) });

  const progress = parsePushOutput(push.stdout);
  const bytesPushed = await measurePushedBytes({ registry, pushHost, plan, pushed: progress.pushed });
  return ok({
    kind: 'pushed',
    digest: progress.digest,
    layersPushed: progress.pushed.length,
    layersReused: progress.reused.length,
    bytesPushed,
  });
}

/** `docker push` of a name the engine does not have: the image needs its registry tag first. */
function isUntagged(result: RunResult): boolean {
  return /does not exist locally|No such image/i.test(result.stderr);
}

/**
 * Compressed bytes of the pushed layers: push output names layers by
 * their diff id; the registry manifest lists compressed sizes in the same
 * order as the image's diff ids.
 */
async function measurePushedBytes(options: {
  readonly registry: RegistryClient;
  readonly pushHost: string;
  readonly plan: ImageDeliveryPlan;
  readonly pushed: readonly string[];
}): Promise<number | undefined> {
  if (options.pushed.length === 0) return 0;
  const manifest = await options.registry.manifestLayers(options.pushHost, options.plan.image.repository, options.plan.image.tag);
  if (!manifest.ok || !manifest.value || manifest.value.layers.length !== manifest.value.diffIds.length) return undefined;
  const pushed = new Set(options.pushed);
  let bytes = 0;
  let matched = 0;
  manifest.value.diffIds.forEach((diffId, index) => {
    const short = diffId.replace(/^sha256:/, '').slice(0, 12);
    if (pushed.has(short)) {
      matched++;
      bytes += manifest.value?.layers[index]?.size ?? 0;
    }
  });
  return matched === pushed.size ? bytes : undefined;
}

function detailOf(result: RunResult): string {
  if (result.notFound) return `${result.command} not found on PATH`;
  return lastLines(result.stderr || result.stdout) || `exit code ${result.exitCode ?? 'none'}`;
}
