import * as path from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments } from 'yaml';
import type { Diagnostic } from '../core/diagnostic.ts';
import { type FileSystem, isPermissionDenied } from '../system/file-system.ts';
import { sameRepository } from './image-ref.ts';
import { applyRank, builtInScope, crdKinds, type Scope, servingCrd } from './kinds.ts';
import type { ContainerSpec, KubeObject, PodSpec } from './kube-types.ts';

/** One object of a manifest file, with where it came from for diagnostics. */
export interface ManifestObject {
  readonly object: KubeObject;
  readonly file: string;
  /** 0-based index of the YAML document in the file. */
  readonly index: number;
  /** 1-based line where the document starts. */
  readonly line: number;
}

/**
 * Parses a multi-document YAML text into Kubernetes objects. Invalid YAML and
 * objects without apiVersion, kind or metadata.name become diagnostics naming
 * the file, document and line; empty documents are skipped; `kind: List`
 * is expanded.
 */
export function parseManifests(text: string, file: string): { objects: ManifestObject[]; diagnostics: Diagnostic[] } {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false });
  const objects: ManifestObject[] = [];
  const diagnostics: Diagnostic[] = [];
  const list = Array.isArray(docs) ? docs : [docs];
  list.forEach((doc, index) => {
    const start = doc.contents?.range?.[0] ?? doc.range[0];
    const line = lineCounter.linePos(start).line;
    const first = doc.errors[0];
    if (first) {
      diagnostics.push({
        severity: 'error',
        code: 'manifest-invalid-yaml',
        file,
        line: first.linePos?.[0]?.line ?? lineCounter.linePos(first.pos[0]).line,
        message: `document ${index + 1}: ${first.message.split('\n')[0]}`,
      });
      return;
    }
    if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) return;
    if (!isMap(doc.contents) && !isSeq(doc.contents)) {
      diagnostics.push(notAnObject(file, index, line, 'is not a mapping'));
      return;
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return;
    const items = isRecord(value) && value.kind === 'List' && Array.isArray(value.items) ? value.items : [value];
    for (const item of items) {
      const problem = missingField(item);
      if (problem) diagnostics.push(notAnObject(file, index, line, problem));
      else objects.push({ object: item as KubeObject, file, index, line });
    }
  });
  return { objects, diagnostics };
}

function notAnObject(file: string, index: number, line: number, problem: string): Diagnostic {
  return {
    severity: 'error',
    code: 'manifest-not-an-object',
    file,
    line,
    message: `document ${index + 1} ${problem}`,
    hint: 'Every document needs apiVersion, kind and metadata.name.',
  };
}

function missingField(item: unknown): string | undefined {
  if (!isRecord(item)) return 'is not a mapping';
  const missing = [
    typeof item.apiVersion === 'string' ? undefined : 'apiVersion',
    typeof item.kind === 'string' ? undefined : 'kind',
    isRecord(item.metadata) && typeof item.metadata.name === 'string' && item.metadata.name ? undefined : 'metadata.name',
  ].filter(Boolean);
  return missing.length ? `has no ${missing.join(', ')}` : undefined;
}

/** True for a YAML mapping read as a plain object. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Reads every manifest file matching `patterns` (relative to `rootDir`), in
 * pattern then path order. Folders a glob matches are skipped (a pattern
 * that names only a folder is an error), and so are FIFOs, sockets and
 * devices, which are never opened; a file that cannot be read is a
 * diagnostic naming it, never an exception.
 */
export async function loadManifests(
  fs: FileSystem,
  options: {
    rootDir: string;
    patterns: readonly string[];
    /** Each pattern's index among all `manifests` entries, for key paths; default its index in `patterns`. */
    keyIndices?: readonly number[];
  },
): Promise<{ objects: ManifestObject[]; diagnostics: Diagnostic[]; files: string[] }> {
  const objects: ManifestObject[] = [];
  const diagnostics: Diagnostic[] = [];
  const files: string[] = [];
  for (const [i, pattern] of options.patterns.entries()) {
    const problem = (message: string, hint?: string) =>
      diagnostics.push({
        severity: 'error',
        code: 'manifest-unreadable',
        keyPath: `manifests[${options.keyIndices?.[i] ?? i}]`,
        message,
        ...(hint ? { hint } : {}),
      });
    let matched = 0;
    for (const match of await fs.glob([pattern], options.rootDir)) {
      const absolute = path.resolve(options.rootDir, match);
      const file = path.relative(options.rootDir, absolute);
      const stat = await fs.stat((await fs.realPath(absolute)) ?? absolute);
      if (stat?.kind === 'directory') continue;
      matched++;
      if (files.includes(file)) continue;
      if (stat?.kind !== 'file') {
        problem(`${file} is not a regular file (a FIFO, socket or device is never read)`);
        continue;
      }
      let text: string;
      try {
        text = await fs.readText(absolute);
      } catch (error) {
        problem(`cannot read ${file}: ${isPermissionDenied(error) ? 'permission denied' : (error as Error).message}`);
        continue;
      }
      files.push(file);
      const parsed = parseManifests(text, file);
      objects.push(...parsed.objects);
      diagnostics.push(...parsed.diagnostics);
    }
    if (matched === 0) {
      const folder = (await fs.stat(path.resolve(options.rootDir, pattern)))?.kind === 'directory';
      if (folder) problem(`"${pattern}" is a folder, not a manifest file`, `use a glob such as "${path.posix.join(pattern, '*.yaml')}"`);
    }
  }
  if (files.length === 0 && options.patterns.length > 0 && diagnostics.length === 0) {
    diagnostics.push({
      severity: 'error',
      code: 'manifest-no-files',
      keyPath: 'manifests',
      message: `no file matches ${options.patterns.join(', ')}`,
    });
  }
  return { objects, diagnostics, files };
}

/** A built devloop image and how manifests must refer to it. */
export interface ImageInjection {
  /** The devloop image name (config key). */
  readonly name: string;
  /** The repository manifests use for it, as configured. */
  readonly repository: string;
  /** The full reference the cluster pulls or finds, e.g. `k3d-registry.localhost:5000/api:devloop-3f2a`. */
  readonly ref: string;
  /** `IfNotPresent` for imported images; undefined leaves the manifest's policy. */
  readonly pullPolicy?: string;
}

/** Which workload's containers get which image by name, from the resource config. */
export interface ContainerMapping {
  /** `imagePaths`: a custom resource's image fields, dotted (`spec.runner.image`, `spec.containers[0].image`). */
  readonly workload: { readonly kind: string; readonly name: string; readonly imagePaths?: readonly string[] };
  /** Container name → devloop image name. */
  readonly containers: Readonly<Record<string, string>>;
}

/** One container whose image was replaced. */
export interface Injected {
  readonly kind: string;
  readonly name: string;
  readonly container: string;
  readonly init: boolean;
  readonly image: string;
}

/**
 * Returns copies of `objects` with devloop's image references in matching
 * containers and init containers: by the resource's container map, or where
 * the container's image repository equals a devloop image's repository.
 */
export function injectImages(
  objects: readonly KubeObject[],
  options: { images: readonly ImageInjection[]; mappings?: readonly ContainerMapping[] },
): { objects: KubeObject[]; injected: Injected[] } {
  const injected: Injected[] = [];
  const out = objects.map((original) => {
    const object = structuredClone(original);
    const spec = podSpecOf(object);
    const mapping = options.mappings?.find((m) => m.workload.kind === object.kind && m.workload.name === object.metadata.name);
    if (!spec) {
      for (const at of mapping?.workload.imagePaths ?? []) {
        const current = readPath(object, at);
        const image = typeof current === 'string' ? options.images.find((i) => sameRepository(current, i.repository)) : undefined;
        if (!image || !writePath(object, at, image.ref)) continue;
        injected.push({ kind: object.kind, name: object.metadata.name, container: at, init: false, image: image.ref });
      }
      return object;
    }
    for (const [list, init] of [
      [spec.initContainers ?? [], true],
      [spec.containers ?? [], false],
    ] as const) {
      for (const container of list) {
        const image = pickImage(container, mapping, options.images);
        if (!image) continue;
        container.image = image.ref;
        if (image.pullPolicy) container.imagePullPolicy = image.pullPolicy;
        injected.push({ kind: object.kind, name: object.metadata.name, container: container.name, init, image: image.ref });
      }
    }
    return object;
  });
  return { objects: out, injected };
}

/** `spec.runner.image` or `spec.containers[0].image` as keys and indexes. */
function pathParts(at: string): (string | number)[] {
  return at.split('.').flatMap((part) => {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) return [part];
    const indexes = [...(m[2] ?? '').matchAll(/\[(\d+)\]/g)].map((x) => Number(x[1]));
    return [...(m[1] ? [m[1]] : []), ...indexes];
  });
}

function readPath(object: unknown, at: string): unknown {
  let value: unknown = object;
  for (const key of pathParts(at)) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}

function writePath(object: unknown, at: string, value: string): boolean {
  const parts = pathParts(at);
  const last = parts.pop();
  let target: unknown = object;
  for (const key of parts) {
    if (target === null || typeof target !== 'object') return false;
    target = (target as Record<string | number, unknown>)[key];
  }
  if (last === undefined || target === null || typeof target !== 'object') return false;
  (target as Record<string | number, unknown>)[last] = value;
  return true;
}

function pickImage(
  container: ContainerSpec,
  mapping: ContainerMapping | undefined,
  images: readonly ImageInjection[],
): ImageInjection | undefined {
  if (mapping && Object.keys(mapping.containers).length > 0) {
    const byName = mapping.containers[container.name];
    return byName ? images.find((i) => i.name === byName) : undefined;
  }
  if (!container.image) return undefined;
  const image = container.image;
  return images.find((i) => sameRepository(image, i.repository));
}

/** The pod template's spec of a workload (or a Pod's spec); undefined for other kinds. */
export function podSpecOf(object: KubeObject): PodSpec | undefined {
  // biome-ignore lint/suspicious/noExplicitAny: workload specs are read by shape, per kind, below
  const spec = object.spec as Record<string, any> | undefined;
  if (!spec) return undefined;
  switch (object.kind) {
    case 'Pod':
      return spec as PodSpec;
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'Job':
      return spec.template?.spec;
    case 'CronJob':
      return spec.jobTemplate?.spec?.template?.spec;
    default:
      return undefined;
  }
}

/**
 * Copies of `objects` placed by scope: namespaced objects that name no
 * namespace get `namespace`, cluster-scoped ones lose any they name (the API
 * server ignores it, and the inventory must name them as the server does).
 * `scopeOf` says the scope of each object; by default the scope a CRD among
 * `objects` gives its kind, else the built-in kind's (unknown kinds count as
 * namespaced).
 */
export function defaultNamespace(
  objects: readonly KubeObject[],
  namespace: string,
  scopeOf: (object: KubeObject) => Scope = manifestScopes(objects),
): KubeObject[] {
  return objects.map((o) => {
    const cluster = scopeOf(o) === 'Cluster';
    if (cluster ? !o.metadata.namespace : o.metadata.namespace) return o;
    const { namespace: _dropped, ...metadata } = o.metadata;
    return { ...o, metadata: cluster ? metadata : { ...metadata, namespace } };
  });
}

/** The scope of objects as the CRDs among `objects` and the built-in kinds say. */
export function manifestScopes(objects: readonly KubeObject[]): (object: KubeObject) => Scope {
  const kinds = crdKinds(objects);
  return (o) => servingCrd(kinds, o.apiVersion, o.kind)?.scope ?? builtInScope(o.kind);
}

/** In apply order (see `applyRank`), keeping the manifests' order within a rank. */
export function orderForApply<T extends { apiVersion: string; kind: string }>(objects: readonly T[]): T[] {
  return objects
    .map((o, i) => ({ o, i, rank: applyRank(o) }))
    .sort((a, b) => a.rank - b.rank || a.i - b.i)
    .map(({ o }) => o);
}
