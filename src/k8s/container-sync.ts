import * as path from 'node:path';
import { err, ok, type Result } from '../core/result.ts';
import type { KubeClient } from './kube-client.ts';
import { isPodReady, type Pod } from './kube-types.ts';

/** One container of one pod. */
export interface ContainerTarget {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
}

/**
 * Why files could not be copied into a container, or a command not run
 * there: the cases a person can act on, each with what they need.
 */
export type ContainerSyncFailure =
  | {
      readonly reason: 'sync-permission-denied';
      readonly target: ContainerTarget;
      /** The container path tar or rm was refused. */
      readonly path: string;
      /** The directory that refused it, its owner (`0`) and the container's user (`10001:10001`), when they could be read. */
      readonly directory: string;
      readonly owner: string | undefined;
      readonly user: string | undefined;
    }
  | { readonly reason: 'sync-no-tar'; readonly target: ContainerTarget; readonly message: string }
  | { readonly reason: 'sync-pod-gone'; readonly target: ContainerTarget; readonly message: string }
  | { readonly reason: 'sync-exec-failed'; readonly target: ContainerTarget; readonly message: string }
  | {
      readonly reason: 'run-failed';
      readonly target: ContainerTarget;
      readonly command: readonly string[];
      readonly exitCode: number;
      readonly output: string;
    };

/**
 * Copies a tar stream into a container (`tar -x -C / -f -` over the exec
 * API) and deletes paths (`rm -rf --`), then classifies what went wrong:
 * permission denied (with who owns the directory and who the container runs
 * as), no tar in the image, the pod gone.
 */
export async function syncIntoContainer(
  client: KubeClient,
  target: ContainerTarget,
  payload: { readonly archive: Uint8Array | undefined; readonly deletions: readonly string[]; readonly signal?: AbortSignal },
): Promise<Result<void, ContainerSyncFailure>> {
  if (payload.deletions.length > 0) {
    const removed = await execIn(client, target, ['rm', '-rf', '--', ...payload.deletions], undefined, payload.signal);
    if (!removed.ok) return removed;
  }
  if (payload.archive) {
    const extracted = await execIn(client, target, ['tar', '-x', '-C', '/', '-f', '-'], payload.archive, payload.signal);
    if (!extracted.ok) return extracted;
  }
  return ok(undefined);
}

/** Runs a `run` step in the container; a non-zero exit is `run-failed` with its output. */
export async function runInContainer(
  client: KubeClient,
  target: ContainerTarget,
  command: readonly string[],
  signal?: AbortSignal,
): Promise<Result<void, ContainerSyncFailure>> {
  const result = await client.exec({ ...target, command, ...(signal ? { signal } : {}) });
  if (!result.ok) return err(execError(target, result.error));
  if (result.value.exitCode === 0) return ok(undefined);
  const output = `${result.value.stdout}${result.value.stderr}`.trim() || result.value.message || '';
  return err({ reason: 'run-failed', target, command, exitCode: result.value.exitCode, output });
}

async function execIn(
  client: KubeClient,
  target: ContainerTarget,
  command: readonly string[],
  stdin: Uint8Array | undefined,
  signal: AbortSignal | undefined,
): Promise<Result<void, ContainerSyncFailure>> {
  const result = await client.exec({ ...target, command, ...(stdin ? { stdin } : {}), ...(signal ? { signal } : {}) });
  if (!result.ok) return err(execError(target, result.error));
  const { exitCode, stderr, message = '' } = result.value;
  if (exitCode === 0) return ok(undefined);
  if (/executable file not found|no such file or directory: unknown/i.test(message)) {
    return err({ reason: 'sync-no-tar', target, message: `${command[0]} is not in the image` });
  }
  const denied = deniedPath(stderr);
  if (denied !== undefined) {
    const directory = path.posix.dirname(denied);
    const facts = await ownership(client, target, directory);
    return err({ reason: 'sync-permission-denied', target, path: denied, directory, ...facts });
  }
  if (/container not found|not running|No such container/i.test(message)) return err({ reason: 'sync-pod-gone', target, message });
  return err({ reason: 'sync-exec-failed', target, message: (stderr.trim() || message).split('\n')[0] ?? '' });
}

function execError(target: ContainerTarget, error: { reason: string; message: string }): ContainerSyncFailure {
  return error.reason === 'kube-not-found'
    ? { reason: 'sync-pod-gone', target, message: error.message }
    : { reason: 'sync-exec-failed', target, message: `${error.reason}: ${error.message}` };
}

/**
 * The path in a tar or rm "Permission denied" line, absolute: busybox
 * (`tar: can't open 'srv/index.html': Permission denied`,
 * `tar: can't remove old file srv/index.html: Permission denied`,
 * `rm: can't remove '/srv/a': Permission denied`) and GNU
 * (`tar: srv/index.html: Cannot open: Permission denied`).
 */
export function deniedPath(stderr: string): string | undefined {
  const refusal = /:\s*(?:Cannot [\w ]+:\s*)?(?:Permission denied|Operation not permitted|Read-only file system)\s*$/i;
  for (const line of stderr.split('\n')) {
    if (!refusal.test(line)) continue;
    const found = line
      .replace(refusal, '')
      .replace(/^(?:tar|rm): /, '')
      .replace(/^can't (?:remove old file|create directory|remove|open|create|unlink|mkdir) /, '')
      .replace(/^'(.*)'$/, '$1');
    if (found) return `/${found.replace(/^\/+/, '')}`;
  }
  return undefined;
}

/** The directory's owner uid and the container's uid:gid (`ls -ldn`, `id`), when the image has them. */
async function ownership(
  client: KubeClient,
  target: ContainerTarget,
  directory: string,
): Promise<{ owner: string | undefined; user: string | undefined }> {
  const [listed, uid, gid] = await Promise.all([
    client.exec({ ...target, command: ['ls', '-ldn', directory] }),
    client.exec({ ...target, command: ['id', '-u'] }),
    client.exec({ ...target, command: ['id', '-g'] }),
  ]);
  const word = (r: typeof uid) => (r.ok && r.value.exitCode === 0 ? r.value.stdout.trim() : undefined);
  const owner = word(listed)?.split(/\s+/)[2];
  const u = word(uid);
  const g = word(gid);
  return { owner, user: u === undefined ? undefined : g === undefined ? u : `${u}:${g}` };
}

/** The failure in plain words, with the fix. */
export function describeSyncFailure(failure: ContainerSyncFailure): { message: string; fix: string } {
  const where = `${failure.target.pod}/${failure.target.container}`;
  switch (failure.reason) {
    case 'sync-permission-denied': {
      const owner = failure.owner === undefined ? 'another user' : failure.owner === '0' ? 'root' : `uid ${failure.owner}`;
      const user = failure.user?.split(':')[0] ?? 'a non-root user';
      const chown = failure.user ?? '<uid>:<gid>';
      return {
        message: `${failure.directory} is owned by ${owner} and the container runs as ${user}, so ${failure.path} cannot be written (${where})`,
        fix: `in the Dockerfile: COPY --chown=${chown} …, or RUN chown -R ${chown} ${failure.directory}`,
      };
    }
    case 'sync-no-tar':
      return {
        message: `the image has no tar, which live update needs to copy files into the container (${where})`,
        fix: 'use a base image with tar (busybox, alpine, debian…), or set syncMode: off for this image',
      };
    case 'sync-pod-gone':
      return { message: `pod ${failure.target.pod} went away during the sync`, fix: 'nothing to do: the new pod gets the current files' };
    case 'sync-exec-failed':
      return { message: `copying into ${where} failed: ${failure.message}`, fix: 'see the message; devloop rebuilds meanwhile' };
    case 'run-failed':
      return {
        message: `run step \`${failure.command.join(' ')}\` exited with ${failure.exitCode} in ${where}${failure.output ? `: ${failure.output.split('\n')[0]}` : ''}`,
        fix: 'fix the command or the files it reads; devloop rebuilds meanwhile',
      };
  }
}

/** True when the same failure will happen on every sync until the Dockerfile changes. */
export function isLastingSyncFailure(failure: ContainerSyncFailure): boolean {
  return failure.reason === 'sync-permission-denied' || failure.reason === 'sync-no-tar';
}

/** Pods that are Ready and not being deleted: the ones a sync must reach. */
export function syncablePods(pods: readonly Pod[]): Pod[] {
  return pods.filter((p) => !p.metadata.deletionTimestamp && isPodReady(p));
}
