import { err, ok, type Result } from '../core/result.ts';
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
