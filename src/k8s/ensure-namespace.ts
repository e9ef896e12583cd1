import type { Problem } from '../core/problem.ts';
import { err, ok, type Result } from '../core/result.ts';
import { kubeProblem } from './deploy-problems.ts';
import type { KubeClient } from './kube-client.ts';

/**
 * Creates the namespace when it does not exist. It is not recorded as
 * applied, so `devloop down` never deletes a namespace (and whatever else
 * lives in it). A namespace the manifests declare is applied with them instead.
 */
export async function ensureNamespace(client: KubeClient, name: string): Promise<Result<void, Problem>> {
  const existing = await client.get({ apiVersion: 'v1', kind: 'Namespace', name });
  if (!existing.ok) return err(kubeProblem('deploy', existing.error));
  if (existing.value) return ok(undefined);
  const created = await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  return created.ok ? ok(undefined) : err(kubeProblem('deploy', created.error));
}
