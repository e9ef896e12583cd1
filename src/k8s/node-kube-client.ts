import { PassThrough, Writable } from 'node:stream';
import { ApiException, CoreV1Api, Exec, type KubeConfig, KubernetesObjectApi, PatchStrategy, PortForward } from '@kubernetes/client-node';
import { err, ok, type Result } from '../core/result.ts';
import { imagePatchBody } from './image-patch-body.ts';
import type { Scope } from './kinds.ts';
import type {
  ContainerImagePatch,
  ExecRequest,
  ExecResult,
  ForwardRequest,
  KubeClient,
  KubeError,
  ListQuery,
  LogEnd,
  LogRequest,
  TimestampedLine,
  WatchEvent,
  WatchHandle,
  WatchQuery,
} from './kube-client.ts';
import type { KubeObject, ObjectRef } from './kube-types.ts';
import { rawGet, readBody, statusError, transportError } from './node-raw-request.ts';
import { startWatch } from './node-watch.ts';

/** Field manager of every server-side apply and patch devloop makes. */
export const FIELD_MANAGER = 'devloop';

/**
 * The real `KubeClient` over @kubernetes/client-node 2.x. Give it a config
 * whose current context was chosen by `selectContext`. Objects come back as
 * the plain JSON the API wrote (dates as strings), never as generated classes.
 */
export class NodeKubeClient implements KubeClient {
  #config: KubeConfig;
  #objects: ObjectApi;
  #core: CoreV1Api;

  constructor(options: { config: KubeConfig }) {
    this.#config = options.config;
    this.#objects = ObjectApi.makeApiClient(options.config);
    this.#core = options.config.makeApiClient(CoreV1Api);
  }

  apply(object: KubeObject): Promise<Result<KubeObject, KubeError>> {
    const { resourceVersion: _rv, uid: _uid, creationTimestamp: _ct, ...metadata } = object.metadata;
    const { status: _status, ...rest } = object;
    const body = object.kind === 'CustomResourceDefinition' ? (schemaKeysForSerializer(rest) as typeof rest) : rest;
    return call(() =>
      this.#objects.patch(
        { ...body, metadata } as Parameters<KubernetesObjectApi['patch']>[0],
        undefined,
        undefined,
        FIELD_MANAGER,
        true,
        PatchStrategy.ServerSideApply,
      ),
    );
  }

  patchImages(workload: ObjectRef, containers: readonly ContainerImagePatch[]): Promise<Result<KubeObject, KubeError>> {
    const body = imagePatchBody(workload, containers);
    return call(() => this.#objects.patch(body, undefined, undefined, FIELD_MANAGER, undefined, PatchStrategy.StrategicMergePatch));
  }

  async get(ref: ObjectRef): Promise<Result<KubeObject | undefined, KubeError>> {
    const result = await call(() => this.#objects.read(header(ref)));
    if (!result.ok && result.error.reason === 'kube-not-found') return ok(undefined);
    return result;
  }

  async delete(ref: ObjectRef): Promise<Result<'deleted' | 'not-found', KubeError>> {
    const result = await call(() => this.#objects.delete(header(ref), undefined, undefined, undefined, undefined, 'Background'));
    if (result.ok) return ok('deleted');
    return result.error.reason === 'kube-not-found' ? ok('not-found') : result;
  }

  async list(query: ListQuery): Promise<Result<KubeObject[], KubeError>> {
    const result = await call(() =>
      this.#objects.list(query.apiVersion, query.kind, query.namespace, undefined, undefined, undefined, undefined, query.labelSelector),
    );
    if (!result.ok) return result;
    const items = ((result.value as unknown as { items?: KubeObject[] }).items ?? []).map((o) => ({
      ...o,
      apiVersion: query.apiVersion,
      kind: query.kind,
    }));
    return ok(items);
  }

  async resourceScope(apiVersion: string, kind: string): Promise<Result<Scope | undefined, KubeError>> {
    // client-node caches discovery per apiVersion and asks again for a kind it did not list, so a new CRD is found.
    const result = await call(async () => (await this.#objects.discover(apiVersion, kind)) ?? null);
    if (!result.ok) return result.error.reason === 'kube-not-found' ? ok(undefined) : result;
    const resource = result.value as { namespaced?: boolean } | null;
    return ok(resource ? (resource.namespaced ? 'Namespaced' : 'Cluster') : undefined);
  }

  async readConfigMap(namespace: string, name: string): Promise<Result<Readonly<Record<string, string>> | undefined, KubeError>> {
    const result = await call(() => this.#core.readNamespacedConfigMap({ name, namespace }));
    if (result.ok) return ok((result.value as { data?: Record<string, string> }).data ?? {});
    return result.error.reason === 'kube-not-found' ? ok(undefined) : result;
  }

  watch(query: WatchQuery, onEvent: (event: WatchEvent) => void): WatchHandle {
    return startWatch(this.#config, query, onEvent);
  }

  async streamLog(request: LogRequest, onLine: (line: TimestampedLine) => void): Promise<Result<LogEnd, KubeError>> {
    const params = new URLSearchParams({ container: request.container, timestamps: 'true', follow: String(request.follow) });
    if (request.sinceTime) params.set('sinceTime', request.sinceTime);
    if (request.previous) params.set('previous', 'true');
    if (request.tailLines !== undefined) params.set('tailLines', String(request.tailLines));
    const path = `/api/v1/namespaces/${encodeURIComponent(request.namespace)}/pods/${encodeURIComponent(request.pod)}/log?${params}`;
    try {
      const { status, body } = await rawGet(this.#config, path, request.signal);
      if (status !== 200) return err(statusError(status, await readBody(body)));
      body.setEncoding('utf8');
      let rest = '';
      for await (const chunk of body as AsyncIterable<string>) {
        const parts = (rest + chunk).split('\n');
        rest = parts.pop() ?? '';
        for (const part of parts) onLine(splitTimestamp(part));
      }
      if (rest) onLine(splitTimestamp(rest));
      return ok('ended');
    } catch (error) {
      if (request.signal?.aborted) return ok('aborted');
      return err(transportError(error));
    }
  }

  async exec(request: ExecRequest): Promise<Result<ExecResult, KubeError>> {
    let stdout = '';
    let stderr = '';
    const sink = (append: (s: string) => void) =>
      new Writable({
        write(chunk, _enc, done) {
          append(String(chunk));
          done();
        },
      });
    const stdin = request.stdin === undefined ? null : PassThrough.from([request.stdin]);
    let message: string | undefined;
    try {
      const exitCode = await new Promise<number>((resolve, reject) => {
        new Exec(this.#config)
          .exec(
            request.namespace,
            request.pod,
            request.container,
            [...request.command],
            sink((s) => {
              stdout += s;
            }),
            sink((s) => {
              stderr += s;
            }),
            stdin,
            false,
            (status) => {
              if (status.status === 'Success') return resolve(0);
              message = status.message;
              const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
              resolve(cause?.message ? Number(cause.message) : 1);
            },
          )
          .then((ws) => {
            request.signal?.addEventListener('abort', () => ws.close(), { once: true });
            ws.on('close', () => setTimeout(() => reject(new Error('exec closed without a status')), 1000));
          }, reject);
      });
      return ok({ exitCode, stdout, stderr, ...(message ? { message } : {}) });
    } catch (error) {
      // The WebSocket upgrade refused: a pod that is gone answers 404, a container not running 400.
      const refused = /Unexpected server response: (\d{3})/.exec(String((error as Error)?.message ?? ''));
      if (refused) return err(statusError(Number(refused[1]), `pod ${request.pod}: ${refused[0]}`));
      return err(toKubeError(error));
    }
  }

  async forwardConnection(request: ForwardRequest): Promise<Result<void, KubeError>> {
    const { socket } = request;
    let failure: string | undefined;
    try {
      const ws = await new PortForward(this.#config, true).portForward(
        request.namespace,
        request.pod,
        [request.port],
        socket,
        new Writable({
          // The first frame of the error channel is only the port number: empty after client-node strips it.
          write(chunk, _enc, done) {
            const text = String(chunk);
            if (text) {
              failure = text;
              socket.destroy();
            }
            done();
          },
        }),
        socket,
      );
      if (typeof ws === 'function') return err({ reason: 'kube-api-error', status: 0, message: 'unexpected retrying port-forward' });
      // The caller pauses the socket until the pod is known; the WebSocket's stdin handler is attached now.
      socket.resume();
      await new Promise<void>((resolve) => {
        const finish = () => {
          socket.destroy();
          ws.close();
          resolve();
        };
        ws.on('close', finish);
        ws.on('error', finish);
        socket.on('close', finish);
        socket.on('error', finish);
      });
      return failure ? err({ reason: 'kube-api-error', status: 0, message: `port-forward: ${failure}` }) : ok(undefined);
    } catch (error) {
      socket.destroy();
      return err(toKubeError(error));
    }
  }
}

/** The generic object API with its discovery lookup usable, sharing the cache every other call fills. */
class ObjectApi extends KubernetesObjectApi {
  static override makeApiClient(config: KubeConfig): ObjectApi {
    const api = config.makeApiClient(ObjectApi);
    api.setDefaultNamespace(config);
    return api;
  }

  discover(apiVersion: string, kind: string) {
    return this.resource(apiVersion, kind);
  }
}

function header(ref: ObjectRef) {
  return {
    apiVersion: ref.apiVersion,
    kind: ref.kind,
    metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) },
  };
}

/** How long one API call may take: an API server that is shutting down can leave a request hanging. */
const callTimeoutMs = 15_000;

/** Runs one client-node call; its result as plain JSON, its ApiException as a `KubeError`, a hang as `kube-unreachable`. */
async function call<T>(fn: () => Promise<T>): Promise<Result<KubeObject, KubeError>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CallTimeout()), callTimeoutMs);
  });
  try {
    return ok(JSON.parse(JSON.stringify(await Promise.race([fn(), timeout]))) as KubeObject);
  } catch (error) {
    if (error instanceof CallTimeout) {
      return err({ reason: 'kube-unreachable', message: `the API server did not answer within ${callTimeoutMs / 1000} s` });
    }
    return err(toKubeError(error));
  } finally {
    clearTimeout(timer);
  }
}

class CallTimeout extends Error {}

function toKubeError(error: unknown): KubeError {
  if (error instanceof ApiException) {
    const body = typeof error.body === 'string' ? error.body : JSON.stringify(error.body ?? {});
    return statusError(error.code, body);
  }
  return transportError(error);
}

/** `2026-11-23T10:00:00.123456789Z hello` → timestamp and text. */
export function splitTimestamp(line: string): TimestampedLine {
  const space = line.indexOf(' ');
  const head = space < 0 ? line : line.slice(0, space);
  if (/^\d{4}-\d\d-\d\dT[\d:.]+(Z|[+-]\d\d:\d\d)$/.test(head)) {
    return { timestamp: head, text: space < 0 ? '' : line.slice(space + 1) };
  }
  return { timestamp: '', text: line };
}

/**
 * client-node serializes a CustomResourceDefinition through its typed model,
 * which reads the schema's `x-kubernetes-*` keys under their property names
 * (`x_kubernetes_preserve_unknown_fields`) and drops the YAML spelling: a
 * CRD applied as written lost `x-kubernetes-preserve-unknown-fields`, and the
 * API server then pruned its objects' fields. Renamed here, they go out as
 * written.
 */
export function schemaKeysForSerializer(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(schemaKeysForSerializer);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [key.startsWith('x-kubernetes-') ? key.replaceAll('-', '_') : key, schemaKeysForSerializer(v)]),
  );
}
