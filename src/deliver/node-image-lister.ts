import { normalizeImageRef } from '../core/image-ref.ts';
import { err, ok, type Result } from '../core/result.ts';
import type { ProcessRunner } from '../system/process-runner.ts';
import { lastLines } from './k3d-cli.ts';

/** One image in a node's container runtime. */
export interface NodeImage {
  /** Fully qualified reference, e.g. `docker.io/library/api:3f9a1c2e`. */
  readonly ref: string;
  /** Config digest (the Docker image id), when the runtime tells. */
  readonly id: string | undefined;
}

/**
 * Lists the images a cluster node's runtime holds, so an import can be
 * verified (k3d's default import mode reports success when a node failed)
 * and skipped when every node already has the image.
 */
export interface NodeImageLister {
  listImages(node: string, options?: { readonly signal?: AbortSignal }): Promise<Result<readonly NodeImage[], string>>;
}

/**
 * Real k3d: every node is a Docker container running k3s, with `crictl`
 * inside; `crictl images -o json` gives references and image ids.
 */
export class DockerExecNodeImageLister implements NodeImageLister {
  readonly #runner: ProcessRunner;

  constructor(options: { readonly runner: ProcessRunner }) {
    this.#runner = options.runner;
  }

  async listImages(node: string, options: { readonly signal?: AbortSignal } = {}): Promise<Result<readonly NodeImage[], string>> {
    const result = await this.#runner.run('docker', ['exec', node, 'crictl', 'images', '-o', 'json'], {
      signal: options.signal,
      timeoutMs: 30_000,
    });
    if (result.exitCode !== 0) return err(result.notFound ? 'docker not found on PATH' : lastLines(result.stderr || result.stdout));
    return parseCrictlImages(result.stdout);
  }
}

/** Parses `crictl images -o json` (`{ images: [{ id, repoTags }] }`). */
export function parseCrictlImages(text: string): Result<readonly NodeImage[], string> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return err(`crictl printed no JSON: ${text.slice(0, 120)}`);
  }
  const images = (value as { images?: unknown }).images;
  if (!Array.isArray(images)) return ok([]);
  const found: NodeImage[] = [];
  for (const image of images as { id?: unknown; repoTags?: unknown }[]) {
    const id = typeof image.id === 'string' ? image.id : undefined;
    for (const tag of Array.isArray(image.repoTags) ? image.repoTags : []) if (typeof tag === 'string') found.push({ ref: tag, id });
  }
  return ok(found);
}

/**
 * True when `images` hold `ref` (compared fully qualified), and, when both
 * ids are known, with the same image id (so a re-used tag is not mistaken
 * for the new image).
 */
export function nodeHasImage(images: readonly NodeImage[], ref: string, imageId: string | undefined): boolean {
  const wanted = normalizeImageRef(ref);
  return images.some((i) => normalizeImageRef(i.ref) === wanted && (i.id === undefined || imageId === undefined || i.id === imageId));
}
