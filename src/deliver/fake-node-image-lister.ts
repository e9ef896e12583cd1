import { normalizeImageRef } from '../core/image-ref.ts';
import { err, ok, type Result } from '../core/result.ts';
import type { NodeImage, NodeImageLister } from './node-image-lister.ts';

/** Node image lists kept in memory; `add` puts an image on nodes, `broken` makes a node unreadable. */
export class FakeNodeImageLister implements NodeImageLister {
  readonly images = new Map<string, NodeImage[]>();
  readonly broken = new Set<string>();

  add(ref: string, nodes: readonly string[], id?: string): this {
    for (const node of nodes) {
      const list = this.images.get(node) ?? [];
      list.push({ ref: normalizeImageRef(ref), id });
      this.images.set(node, list);
    }
    return this;
  }

  async listImages(node: string): Promise<Result<readonly NodeImage[], string>> {
    if (this.broken.has(node)) return err(`node ${node} is not running`);
    return ok(this.images.get(node) ?? []);
  }
}
