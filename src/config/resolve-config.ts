import * as path from 'node:path';
import type { ManifestSource } from '../core/manifest-source.ts';
import type { ResolvedConfig, ResolvedImage, ResolvedLocalCommand, ResolvedPortForward, ResolvedResource } from './resolved-config.ts';
import type { DevloopConfig, ImageConfig, LocalCommandConfig, ManifestEntry, PortForwardConfig, ResourceConfig } from './types.ts';

/** Defaults, in one place so that `devloop config` can say "default" for each. */
export const defaults = {
  namespace: 'default',
  k3dName: 'dev',
  delivery: 'auto',
  debounceMs: 80,
  concurrency: 2,
  dockerfile: 'Dockerfile',
  trigger: 'auto',
  workloadKind: 'Deployment',
} as const;

/** Files involved, for the resolved value. */
export interface ResolveInput {
  readonly raw: DevloopConfig;
  readonly configFile: string;
  readonly localFile: string | undefined;
}

/** Fills every default and makes paths absolute. Assumes `raw` passed the schema. */
export function resolveConfig({ raw, configFile, localFile }: ResolveInput): ResolvedConfig {
  const rootDir = path.dirname(configFile);
  const k3dName = raw.cluster?.k3d?.name ?? defaults.k3dName;
  const images: Record<string, ResolvedImage> = {};
  for (const [name, image] of Object.entries(raw.images ?? {})) images[name] = resolveImage(name, image, rootDir);
  const namespace = raw.cluster?.namespace ?? defaults.namespace;
  const resources: Record<string, ResolvedResource> = {};
  for (const [name, resource] of Object.entries(raw.resources ?? {})) resources[name] = resolveResource(name, resource);
  const local: Record<string, ResolvedLocalCommand> = {};
  for (const [name, command] of Object.entries(raw.local ?? {})) local[name] = resolveLocalCommand(name, command, rootDir);
  return {
    configFile,
    localFile,
    rootDir,
    images,
    manifests: (raw.manifests ?? []).map((entry) => resolveManifest(entry, rootDir, namespace)),
    resources,
    local,
    cluster: {
      context: raw.cluster?.context ?? `k3d-${k3dName}`,
      namespace,
      k3d: { name: k3dName, registry: raw.cluster?.k3d?.registry },
      delivery: raw.cluster?.delivery ?? defaults.delivery,
      allowContexts: raw.cluster?.allowContexts ?? [],
    },
    watch: { debounceMs: raw.watch?.debounceMs ?? defaults.debounceMs, ignore: raw.watch?.ignore ?? [] },
    build: { concurrency: raw.build?.concurrency ?? defaults.concurrency },
  };
}

function resolveImage(name: string, image: ImageConfig, rootDir: string): ResolvedImage {
  const context = path.resolve(rootDir, image.context);
  return {
    name,
    context,
    dockerfile: path.resolve(context, image.dockerfile ?? defaults.dockerfile),
    target: image.target,
    buildArgs: image.buildArgs ?? {},
    secrets: Object.fromEntries(
      Object.entries(image.secrets ?? {}).map(([id, s]) => [id, 'env' in s ? { env: s.env } : { file: path.resolve(rootDir, s.file) }]),
    ),
    dependsOn: image.dependsOn ?? [],
    ignore: image.ignore ?? [],
    repository: image.repository ?? name,
    allowOutsideProject: image.allowOutsideProject ?? false,
    ...(image.sync === undefined ? {} : { sync: image.sync === 'infer' ? 'infer' : image.sync.map((r) => ({ from: r.from, to: r.to })) }),
    run: (image.run ?? []).map((r) => ({ command: r.command, when: r.when ?? [] })),
    syncMode: image.syncMode ?? (image.sync === undefined ? 'off' : 'auto'),
  };
}

/** Globs stay as written; chart, values and overlay paths become absolute; release name and namespace get their defaults. */
function resolveManifest(entry: ManifestEntry, rootDir: string, namespace: string): ManifestSource {
  if (typeof entry === 'string') return entry;
  if ('kustomize' in entry) return { kustomize: path.resolve(rootDir, entry.kustomize) };
  const chart = path.resolve(rootDir, entry.helm.chart);
  return {
    helm: {
      chart,
      releaseName: entry.helm.releaseName ?? defaultReleaseName(chart),
      namespace: entry.helm.namespace ?? namespace,
      values: (entry.helm.values ?? []).map((v) => path.resolve(rootDir, v)),
      set: entry.helm.set ?? {},
    },
  };
}

/** The chart's directory name (or package name without version and `.tgz`), as a release name. */
function defaultReleaseName(chart: string): string {
  const base = path
    .basename(chart)
    .replace(/\.tgz$/, '')
    .replace(/-\d+\.\d+\.\d+.*$/, '');
  return (
    base
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'release'
  );
}

function resolveResource(name: string, resource: ResourceConfig): ResolvedResource {
  return {
    name,
    workload: {
      kind: resource.workload?.kind ?? defaults.workloadKind,
      name: resource.workload?.name ?? name,
      ...(resource.workload?.kind ? { kindGiven: true } : {}),
      ...(resource.workload?.imagePaths?.length ? { imagePaths: resource.workload.imagePaths } : {}),
    },
    containers: resource.containers ?? {},
    dependsOn: resource.dependsOn ?? [],
    portForwards: (resource.portForwards ?? []).map(resolvePortForward),
    trigger: resource.trigger ?? defaults.trigger,
  };
}

function resolveLocalCommand(name: string, command: LocalCommandConfig, rootDir: string): ResolvedLocalCommand {
  return {
    name,
    command: command.command,
    deps: command.deps ?? [],
    serve: command.serve ?? false,
    cwd: path.resolve(rootDir, command.cwd ?? '.'),
    env: command.env ?? {},
    dependsOn: command.dependsOn ?? [],
    trigger: command.trigger ?? defaults.trigger,
  };
}

/** `8080`, `"8080:80"` and `{ local, remote }` all become `{ local, remote }`. */
export function resolvePortForward(spec: string | number | PortForwardConfig): ResolvedPortForward {
  if (typeof spec === 'number') return { local: spec, remote: spec, container: undefined };
  if (typeof spec === 'string') {
    const [local, remote] = spec.split(':').map(Number);
    return { local: local ?? 0, remote: remote ?? local ?? 0, container: undefined };
  }
  return { local: spec.local, remote: spec.remote, container: spec.container };
}
