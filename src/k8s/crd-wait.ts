import type { Problem } from '../core/problem.ts';
import { err, ok, type Result } from '../core/result.ts';
import { kubeProblem } from './deploy-problems.ts';
import { crdKind } from './kinds.ts';
import type { KubeClient, KubeError } from './kube-client.ts';
import type { Condition, KubeObject } from './kube-types.ts';

/** How long to wait for CRDs to be served; a CRD is usually established within a second. */
export interface CrdWaitOptions {
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
  readonly signal?: AbortSignal;
}

const defaultTimeoutMs = 30_000;
const defaultIntervalMs = 200;

/**
 * Waits until each CRD is `Established` and API discovery lists its kind in
 * every served version, so the custom objects applied next are accepted.
 * Polls, within one deadline for all of them; a CRD that never gets there is
 * a problem naming it with what its conditions say.
 */
export async function waitEstablished(
  client: KubeClient,
  crds: readonly KubeObject[],
  options: CrdWaitOptions = {},
): Promise<Result<void, Problem>> {
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  const deadline = Date.now() + timeoutMs;
  for (const crd of crds) {
    for (;;) {
      const state = await whyNotServed(client, crd);
      if (!state.ok) return err(kubeProblem('deploy', state.error));
      if (state.value === undefined) break;
      if (options.signal?.aborted) return err(kubeProblem('deploy', { reason: 'kube-aborted', message: 'cancelled' }));
      if (Date.now() >= deadline) {
        return err({
          stage: 'deploy',
          reason: 'crd-not-established',
          message: `CustomResourceDefinition ${crd.metadata.name} is not established after ${Math.round(timeoutMs / 100) / 10} s: ${state.value}`,
          fix: `\`kubectl describe crd ${crd.metadata.name}\` shows its conditions (names another CRD already uses, an invalid schema, …)`,
        });
      }
      await pause(options.intervalMs ?? defaultIntervalMs, options.signal);
    }
  }
  return ok(undefined);
}

/** Why the CRD's kind is not served yet; undefined once it is. */
async function whyNotServed(client: KubeClient, crd: KubeObject): Promise<Result<string | undefined, KubeError>> {
  const current = await client.get({ apiVersion: crd.apiVersion, kind: crd.kind, name: crd.metadata.name });
  if (!current.ok) return current;
  if (!current.value) return ok('it is not in the cluster');
  const conditions = (current.value.status as { conditions?: Condition[] } | undefined)?.conditions ?? [];
  const established = conditions.find((c) => c.type === 'Established');
  if (established?.status !== 'True') {
    const refused = conditions.find((c) => c.status === 'False' && c.message);
    return ok(refused ? `${refused.type} is False: ${refused.message}` : 'its Established condition is not True');
  }
  const served = crdKind(crd);
  if (!served) return ok(undefined);
  for (const version of served.versions) {
    const apiVersion = `${served.group}/${version}`;
    const scope = await client.resourceScope(apiVersion, served.kind);
    if (!scope.ok) return scope;
    if (!scope.value) return ok(`API discovery does not list ${served.kind} in ${apiVersion} yet`);
  }
  return ok(undefined);
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
