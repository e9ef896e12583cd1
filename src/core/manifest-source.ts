import * as path from 'node:path';

/**
 * One resolved `manifests` entry: YAML files by glob (relative to the
 * project, as written), a Helm chart rendered with `helm template`, or a
 * Kustomize directory rendered with `kustomize build`. Shared by config
 * (which resolves it), k8s (which renders it) and watch (which watches its files).
 */
export type ManifestSource = string | { readonly helm: HelmChartSource } | { readonly kustomize: string };

/** A Helm chart to render, every path absolute and every default filled. */
export interface HelmChartSource {
  /** Chart directory or packaged chart (`.tgz`). */
  readonly chart: string;
  readonly releaseName: string;
  readonly namespace: string;
  /** Values files, in order (`-f`). */
  readonly values: readonly string[];
  /** `--set-string` for strings, `--set` for numbers and booleans. */
  readonly set: Readonly<Record<string, string | number | boolean>>;
}

/** The three kinds, for exhaustive switches. */
export type ManifestSourceKind =
  | { readonly kind: 'files'; readonly pattern: string }
  | { readonly kind: 'helm'; readonly helm: HelmChartSource }
  | { readonly kind: 'kustomize'; readonly dir: string };

/** The names `kustomize build` accepts for a directory's kustomization, in its order of preference. */
export const kustomizationFileNames = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

/** Which kind of entry `source` is. */
export function manifestSourceKind(source: ManifestSource): ManifestSourceKind {
  if (typeof source === 'string') return { kind: 'files', pattern: source };
  if ('helm' in source) return { kind: 'helm', helm: source.helm };
  return { kind: 'kustomize', dir: source.kustomize };
}

/** The glob entries only, in order. */
export function manifestGlobs(sources: readonly ManifestSource[]): string[] {
  return sources.filter((s): s is string => typeof s === 'string');
}

/** `k8s/*.yaml`, `helm chart charts/api`, `kustomize k8s/overlays/dev`: paths relative to `rootDir`. */
export function describeManifestSource(source: ManifestSource, rootDir: string): string {
  const s = manifestSourceKind(source);
  const rel = (p: string) => path.relative(rootDir, p) || '.';
  switch (s.kind) {
    case 'files':
      return s.pattern;
    case 'helm':
      return `helm chart ${rel(s.helm.chart)}`;
    case 'kustomize':
      return `kustomize ${rel(s.dir)}`;
  }
}
