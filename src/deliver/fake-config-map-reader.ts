import { err, ok, type Result } from '../core/result.ts';
import type { ConfigMapReader } from './cluster-discovery.ts';

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
