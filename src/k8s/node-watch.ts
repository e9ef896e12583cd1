import { type KubeConfig, Watch } from '@kubernetes/client-node';
import type { KubeError, WatchEvent, WatchHandle, WatchKind, WatchQuery } from './kube-client.ts';
import type { KubeObject } from './kube-types.ts';
import { getJson, transportError } from './node-raw-request.ts';

const kinds: Record<WatchKind, { apiVersion: string; prefix: string; plural: string }> = {
  Deployment: { apiVersion: 'apps/v1', prefix: '/apis/apps/v1', plural: 'deployments' },
  ReplicaSet: { apiVersion: 'apps/v1', prefix: '/apis/apps/v1', plural: 'replicasets' },
  StatefulSet: { apiVersion: 'apps/v1', prefix: '/apis/apps/v1', plural: 'statefulsets' },
  DaemonSet: { apiVersion: 'apps/v1', prefix: '/apis/apps/v1', plural: 'daemonsets' },
  Job: { apiVersion: 'batch/v1', prefix: '/apis/batch/v1', plural: 'jobs' },
  CronJob: { apiVersion: 'batch/v1', prefix: '/apis/batch/v1', plural: 'cronjobs' },
  Pod: { apiVersion: 'v1', prefix: '/api/v1', plural: 'pods' },
  Event: { apiVersion: 'v1', prefix: '/api/v1', plural: 'events' },
};

/**
 * List-then-watch over client-node's `Watch`, resilient the way a dev loop
 * needs: client-node 2.x aborts a watch after 30 s without bytes, so the
 * watch asks for bookmarks and reconnects from the last resourceVersion on
 * any close or timeout (also after an apiserver restart, with backoff); an
 * in-stream 410 Gone relists and emits a fresh `sync`.
 */
export function startWatch(config: KubeConfig, query: WatchQuery, onEvent: (event: WatchEvent) => void): WatchHandle {
  const kind = kinds[query.kind];
  const path = `${kind.prefix}/namespaces/${encodeURIComponent(query.namespace)}/${kind.plural}`;
  const watch = new Watch(config);
  let stopped = false;
  let resourceVersion = '';
  let controller: AbortController | undefined;
  let timer: NodeJS.Timeout | undefined;
  let backoffMs = 250;

  const retry = (error: KubeError, next: () => void) => {
    if (stopped) return;
    onEvent({ type: 'reconnecting', error });
    timer = setTimeout(next, backoffMs);
    backoffMs = Math.min(backoffMs * 2, 5000);
  };

  const relist = async () => {
    if (stopped) return;
    const params = new URLSearchParams();
    if (query.labelSelector) params.set('labelSelector', query.labelSelector);
    if (query.fieldSelector) params.set('fieldSelector', query.fieldSelector);
    const listed = await getJson(config, `${path}?${params}`);
    if (stopped) return;
    if (!listed.ok) return retry(listed.error, relist);
    resourceVersion = listed.value?.metadata?.resourceVersion ?? '';
    const objects = ((listed.value?.items ?? []) as KubeObject[]).map((o) => ({ ...o, apiVersion: kind.apiVersion, kind: query.kind }));
    backoffMs = 250;
    onEvent({ type: 'sync', objects });
    connect();
  };

  const connect = () => {
    if (stopped) return;
    let gone = false;
    watch
      .watch(
        path,
        {
          resourceVersion,
          allowWatchBookmarks: true,
          labelSelector: query.labelSelector,
          fieldSelector: query.fieldSelector,
        },
        // biome-ignore lint/suspicious/noExplicitAny: raw watch objects, narrowed by the caller's kind
        (type: string, object: any) => {
          if (stopped) return;
          const version = object?.metadata?.resourceVersion;
          switch (type) {
            case 'ADDED':
            case 'MODIFIED':
            case 'DELETED':
              if (version) resourceVersion = version;
              backoffMs = 250;
              onEvent({ type: type === 'ADDED' ? 'added' : type === 'MODIFIED' ? 'modified' : 'deleted', object });
              return;
            case 'BOOKMARK':
              if (version) resourceVersion = version;
              return;
            case 'ERROR':
              if (object?.code === 410) {
                gone = true;
                controller?.abort();
              }
              return;
            default:
              return;
          }
        },
        // biome-ignore lint/suspicious/noExplicitAny: client-node passes whatever the transport threw
        (error: any) => {
          if (stopped) return;
          if (gone || error?.statusCode === 410) return void relist();
          if (!error || error.name === 'TimeoutError' || error.name === 'AbortError') return connect();
          retry(transportError(error), connect);
        },
      )
      .then(
        (c) => {
          controller = c;
          if (stopped) c.abort();
        },
        (error) => retry(transportError(error), connect),
      );
  };

  void relist();
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      controller?.abort();
    },
  };
}
