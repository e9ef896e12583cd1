import { err, ok, type Result } from '../core/result.ts';
import { apiGroup, builtInScope, crdKinds, isBuiltInGroup, isCrd, type Scope, servingCrd } from './kinds.ts';
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
import type { Condition, KubeObject, ObjectRef } from './kube-types.ts';
import { compareTimestamps } from './log-buffer.ts';
import { podSpecOf } from './manifests.ts';

interface Subscriber {
  readonly query: WatchQuery;
  readonly onEvent: (event: WatchEvent) => void;
}

/**
 * An in-memory cluster for unit tests of the engine and the k8s helpers.
 * Tests drive it: `put`/`remove` change objects and notify watches,
 * `setLog` provides container logs, `failNext` makes the next call of a
 * method fail. Every call is recorded in `calls`.
 */
export class FakeKubeClient implements KubeClient {
  readonly calls: { method: string; args: unknown }[] = [];
  #objects = new Map<string, KubeObject>();
  #subscribers = new Set<Subscriber>();
  #logs = new Map<string, TimestampedLine[]>();
  #failures = new Map<string, KubeError>();
  #version = 1;
  /** False keeps applied CRDs without an `Established` condition, as a CRD whose names conflict stays. */
  establishCrds = true;
  /** Answers `exec`; default exit code 0 with no output. */
  execAnswer: (request: ExecRequest) => ExecResult = () => ({ exitCode: 0, stdout: '', stderr: '' });
  /** Answers `forwardConnection`; default: echo the bytes back. A returned error is the call's failure (e.g. a refused port). */
  forwardAnswer: (request: ForwardRequest) => Promise<KubeError | undefined> = async ({ socket }) => {
    socket.pipe(socket);
    await new Promise((resolve) => socket.on('close', resolve));
  };

  /** Stores (or replaces) an object and tells matching watches. */
  put(object: KubeObject): KubeObject {
    const key = keyOf(object);
    const stored = structuredClone(object);
    stored.metadata.resourceVersion = String(++this.#version);
    const existed = this.#objects.has(key);
    this.#objects.set(key, stored);
    this.#emit(stored, existed ? 'modified' : 'added');
    return stored;
  }

  /** Removes an object and tells matching watches. */
  remove(ref: ObjectRef): void {
    const key = keyOf({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace } });
    const existing = this.#objects.get(key);
    if (!existing) return;
    this.#objects.delete(key);
    this.#emit(existing, 'deleted');
  }

  /** All stored objects. */
  objects(): KubeObject[] {
    return [...this.#objects.values()];
  }

  /** Sets the log of one container (appending more later is allowed). */
  setLog(pod: string, container: string, lines: TimestampedLine[]): void {
    this.#logs.set(`${pod}/${container}`, lines);
  }

  /** Makes the next call of `method` fail with `error`. */
  failNext(method: keyof KubeClient, error: KubeError): void {
    this.#failures.set(method, error);
  }

  #fail(method: string, args: unknown): KubeError | undefined {
    this.calls.push({ method, args });
    const failure = this.#failures.get(method);
    this.#failures.delete(method);
    return failure;
  }

  async apply(object: KubeObject): Promise<Result<KubeObject, KubeError>> {
    const failure = this.#fail('apply', object);
    if (failure) return err(failure);
    if (!this.#scope(object.apiVersion, object.kind)) return err(notServed(object.apiVersion, object.kind));
    const existing = this.#objects.get(keyOf(object));
    const generation = (existing?.metadata.generation ?? 0) + 1;
    const established = isCrd(object) && this.establishCrds ? { status: { conditions: [{ type: 'Established', status: 'True' }] } } : {};
    return ok(this.put({ ...object, ...established, metadata: { ...object.metadata, generation } }));
  }

  async resourceScope(apiVersion: string, kind: string): Promise<Result<Scope | undefined, KubeError>> {
    const failure = this.#fail('resourceScope', { apiVersion, kind });
    if (failure) return err(failure);
    return ok(this.#scope(apiVersion, kind));
  }

  /** Built-in kinds are always served; custom kinds once an established CRD in the store serves them. */
  #scope(apiVersion: string, kind: string): Scope | undefined {
    if (isBuiltInGroup(apiGroup(apiVersion))) return builtInScope(kind);
    const established = this.objects().filter((o) =>
      (o.status as { conditions?: Condition[] } | undefined)?.conditions?.some((c) => c.type === 'Established' && c.status === 'True'),
    );
    return servingCrd(crdKinds(established), apiVersion, kind)?.scope;
  }

  async patchImages(workload: ObjectRef, containers: readonly ContainerImagePatch[]): Promise<Result<KubeObject, KubeError>> {
    const failure = this.#fail('patchImages', { workload, containers });
    if (failure) return err(failure);
    const key = keyOf({
      apiVersion: workload.apiVersion,
      kind: workload.kind,
      metadata: { name: workload.name, namespace: workload.namespace },
    });
    const existing = this.#objects.get(key);
    if (!existing) return err({ reason: 'kube-not-found', message: `${workload.kind} ${workload.name} not found` });
    const copy = structuredClone(existing);
    const spec = podSpecOf(copy);
    for (const c of containers) {
      const target = (c.init ? spec?.initContainers : spec?.containers)?.find((x) => x.name === c.container);
      if (!target) continue;
      target.image = c.image;
      if (c.imagePullPolicy) target.imagePullPolicy = c.imagePullPolicy;
    }
    copy.metadata.generation = (copy.metadata.generation ?? 0) + 1;
    return ok(this.put(copy));
  }

  async get(ref: ObjectRef): Promise<Result<KubeObject | undefined, KubeError>> {
    const failure = this.#fail('get', ref);
    if (failure) return err(failure);
    if (!this.#scope(ref.apiVersion, ref.kind)) return ok(undefined);
    return ok(
      this.#objects.get(keyOf({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace } })),
    );
  }

  async delete(ref: ObjectRef): Promise<Result<'deleted' | 'not-found', KubeError>> {
    const failure = this.#fail('delete', ref);
    if (failure) return err(failure);
    const key = keyOf({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace } });
    if (!this.#objects.has(key)) return ok('not-found');
    this.remove(ref);
    return ok('deleted');
  }

  async list(query: ListQuery): Promise<Result<KubeObject[], KubeError>> {
    const failure = this.#fail('list', query);
    if (failure) return err(failure);
    return ok(
      this.objects().filter(
        (o) =>
          o.kind === query.kind && (!query.namespace || o.metadata.namespace === query.namespace) && matchesLabels(o, query.labelSelector),
      ),
    );
  }

  async readConfigMap(namespace: string, name: string): Promise<Result<Readonly<Record<string, string>> | undefined, KubeError>> {
    const failure = this.#fail('readConfigMap', { namespace, name });
    if (failure) return err(failure);
    const cm = this.#objects.get(keyOf({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace } }));
    return ok(cm ? ((cm.data as Record<string, string> | undefined) ?? {}) : undefined);
  }

  watch(query: WatchQuery, onEvent: (event: WatchEvent) => void): WatchHandle {
    this.calls.push({ method: 'watch', args: query });
    const subscriber = { query, onEvent };
    this.#subscribers.add(subscriber);
    queueMicrotask(() => {
      if (this.#subscribers.has(subscriber)) onEvent({ type: 'sync', objects: this.objects().filter((o) => matches(o, query)) });
    });
    return { stop: () => this.#subscribers.delete(subscriber) };
  }

  async streamLog(request: LogRequest, onLine: (line: TimestampedLine) => void): Promise<Result<LogEnd, KubeError>> {
    const failure = this.#fail('streamLog', request);
    if (failure) return err(failure);
    const lines = this.#logs.get(`${request.pod}/${request.container}`) ?? [];
    const since = request.sinceTime;
    const selected = lines.filter((l) => !since || compareTimestamps(l.timestamp, since) >= 0);
    const tail = request.tailLines === undefined ? selected : selected.slice(-request.tailLines);
    for (const line of tail) onLine(line);
    return ok('ended');
  }

  async exec(request: ExecRequest): Promise<Result<ExecResult, KubeError>> {
    const failure = this.#fail('exec', request);
    if (failure) return err(failure);
    return ok(this.execAnswer(request));
  }

  async forwardConnection(request: ForwardRequest): Promise<Result<void, KubeError>> {
    const failure = this.#fail('forwardConnection', { namespace: request.namespace, pod: request.pod, port: request.port });
    if (failure) {
      request.socket.destroy();
      return err(failure);
    }
    request.socket.resume();
    const refused = await this.forwardAnswer(request);
    return refused ? err(refused) : ok(undefined);
  }

  #emit(object: KubeObject, type: 'added' | 'modified' | 'deleted'): void {
    for (const s of this.#subscribers) if (matches(object, s.query)) s.onEvent({ type, object: structuredClone(object) });
  }
}

function notServed(apiVersion: string, kind: string): KubeError {
  return { reason: 'kube-not-found', message: `the server could not find the requested resource (${kind} in ${apiVersion})` };
}

function keyOf(o: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string | undefined } }): string {
  return `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

function matches(o: KubeObject, q: WatchQuery): boolean {
  if (o.kind !== q.kind || o.metadata.namespace !== q.namespace) return false;
  const name = /metadata\.name=([^,]+)/.exec(q.fieldSelector ?? '')?.[1];
  return (!name || o.metadata.name === name) && matchesLabels(o, q.labelSelector);
}

function matchesLabels(o: KubeObject, selector: string | undefined): boolean {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const [k, v] = term.split('=');
    return k !== undefined && o.metadata.labels?.[k.trim()] === v?.trim();
  });
}
