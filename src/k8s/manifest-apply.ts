import type { Problem } from '../core/problem.ts';
import { err, ok, type Result } from '../core/result.ts';
import type { CrdWaitOptions } from './crd-wait.ts';
import { kubeProblem, refusedObjectsProblem, unservedKindsProblem } from './deploy-problems.ts';
import { applyObjects } from './inventory.ts';
import { formatKubeError, type KubeClient } from './kube-client.ts';
import type { KubeObject } from './kube-types.ts';
import { defaultNamespace } from './manifests.ts';
import { pruneMessages, pruneRemoved } from './prune.ts';
import { resolveScopes } from './served-kinds.ts';

/** One apply of manifest objects. */
export interface ManifestApply {
  readonly rootDir: string;
  /** The configured namespace: where the inventory lives. */
  readonly namespace: string;
  /** What to apply now, namespaces defaulted and images injected. */
  readonly objects: readonly KubeObject[];
  /** Every object of the manifests, namespaces defaulted: CRDs among them serve kinds; with `prune`, what they lack is removed. */
  readonly manifests: readonly KubeObject[];
  /** Removes what devloop applied earlier and the manifests no longer have (a full apply of the manifests). */
  readonly prune: boolean;
  /** The manifest file an object comes from, for problems. */
  readonly fileOf?: (object: KubeObject) => string | undefined;
  readonly crdWait?: CrdWaitOptions;
}

/**
 * Applies manifest objects as the deployer does: first checks that every
 * kind is served (by a CRD among the manifests, or by the cluster) and
 * places each object by its kind's scope, so nothing is applied when a CRD
 * is missing; then applies in order (see `applyObjects`); then, for a full
 * apply, removes what is no longer in the manifests. Resolves to the lines
 * saying what was removed.
 */
export async function applyManifests(client: KubeClient, options: ManifestApply): Promise<Result<string[], Problem>> {
  const { rootDir, namespace } = options;
  const scopes = await resolveScopes(client, [...options.objects, ...(options.prune ? options.manifests : [])], options.manifests);
  if (!scopes.ok) return err(kubeProblem('deploy', scopes.error));
  const unserved = unservedKindsProblem(
    options.objects.filter((o) => !scopes.value(o)).map((object) => ({ object, file: options.fileOf?.(object) })),
  );
  if (unserved) return err(unserved);
  // A custom kind found cluster-scoped by discovery loses the namespace it was given as if namespaced.
  const place = (objects: readonly KubeObject[]) => defaultNamespace(objects, namespace, (o) => scopes.value(o) ?? 'Namespaced');
  const applied = await applyObjects(client, { rootDir, namespace, objects: place(options.objects), crdWait: options.crdWait });
  if (!applied.ok) return err(kubeProblem('deploy', applied.error));
  const refused = refusedObjectsProblem(applied.value.failed);
  if (refused) return err(refused);
  if (applied.value.stopped) return err(applied.value.stopped);
  if (!options.prune) return ok([]);
  const pruned = await pruneRemoved(client, { rootDir, namespace, manifests: place(options.manifests) });
  if (!pruned.ok) return ok([`could not remove what is no longer in the manifests: ${formatKubeError(pruned.error)}`]);
  return ok(pruneMessages(pruned.value));
}
