import { normalizeImageRef } from '../core/image-ref.ts';
import { err, ok, type Result } from '../core/result.ts';
import type { ConfigMapReader } from './cluster-discovery.ts';
import type { NodeImage, NodeImageLister } from './node-image-lister.ts';
import type { ManifestLayers, RegistryClient, RegistryFailure } from './registry-client.ts';

/**
 * An in-memory registry: tags are added with `put`; `failure` makes every
 * call fail like a down or unresolvable registry. Records calls.
 */
export class FakeRegistryClient implements RegistryClient {
  readonly calls: string[] = [];
  failure: RegistryFailure | undefined;
  readonly #manifests = new Map<string, ManifestLayers>();

  /** Stores a manifest for `host/repository:tag`. */
  put(host: string, repository: string, tag: string, manifest: ManifestLayers = { digest: 'sha256:fake', layers: [], diffIds: [] }): this {
    this.#manifests.set(`${host}/${repository}:${tag}`, manifest);
    return this;
  }

  async ping(host: string): Promise<Result<void, RegistryFailure>> {
    this.calls.push(`ping ${host}`);
    return this.failure ? err(this.failure) : ok(undefined);
  }

  async manifestDigest(host: string, repository: string, tag: string): Promise<Result<string | undefined, RegistryFailure>> {
    this.calls.push(`head ${host}/${repository}:${tag}`);
    if (this.failure) return err(this.failure);
    return ok(this.#manifests.get(`${host}/${repository}:${tag}`)?.digest);
  }

  async manifestLayers(host: string, repository: string, tag: string): Promise<Result<ManifestLayers | undefined, RegistryFailure>> {
    this.calls.push(`get ${host}/${repository}:${tag}`);
    if (this.failure) return err(this.failure);
    return ok(this.#manifests.get(`${host}/${repository}:${tag}`));
  }
}

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

/** ConfigMaps by `namespace/name`; `failure` makes reads fail. */
export class FakeConfigMapReader implements ConfigMapReader {
  readonly data = new Map<string, Record<string, string>>();
  failure: string | undefined;

  set(namespace: string, name: string, data: Record<string, string>): this {
    this.data.set(`${namespace}/${name}`, data);
    return this;
  }

  async readConfigMap(
    namespace: string,
    name: string,
  ): Promise<Result<Readonly<Record<string, string>> | undefined, { readonly message: string }>> {
    if (this.failure) return err({ message: this.failure });
    return ok(this.data.get(`${namespace}/${name}`));
  }
}
