import { ok, type Result } from '../core/result.ts';
import { crdKinds, type Scope, servingCrd } from './kinds.ts';
import type { KubeClient, KubeError } from './kube-client.ts';
import type { KubeObject } from './kube-types.ts';

/** The scope of each kind of some objects; `undefined` for a kind nothing serves. */
export type KindScopes = (object: { apiVersion: string; kind: string }) => Scope | undefined;

/**
 * Finds whether each object's kind is served, and its scope: a CRD among
 * `manifests` serves it (it is applied before the objects), else the API
 * server says so through discovery (built-in kinds, and CRDs already in the
 * cluster). One question per kind.
 */
export async function resolveScopes(
  client: KubeClient,
  objects: readonly KubeObject[],
  manifests: readonly KubeObject[],
): Promise<Result<KindScopes, KubeError>> {
  const fromManifests = crdKinds(manifests);
  const key = (o: { apiVersion: string; kind: string }) => `${o.apiVersion}\n${o.kind}`;
  const scopes = new Map<string, Scope | undefined>();
  for (const object of objects) {
    if (scopes.has(key(object))) continue;
    const crd = servingCrd(fromManifests, object.apiVersion, object.kind);
    if (crd) {
      scopes.set(key(object), crd.scope);
      continue;
    }
    const asked = await client.resourceScope(object.apiVersion, object.kind);
    if (!asked.ok) return asked;
    scopes.set(key(object), asked.value);
  }
  return ok((o) => scopes.get(key(o)));
}
