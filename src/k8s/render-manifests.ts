import * as path from 'node:path';
import type { Diagnostic } from '../core/diagnostic.ts';
import { type HelmChartSource, type ManifestSource, manifestSourceKind } from '../core/manifest-source.ts';
import { err, ok, type Result } from '../core/result.ts';
import { unreachable } from '../core/unreachable.ts';
import type { FileSystem } from '../system/file-system.ts';
import type { ProcessRunner, RunResult } from '../system/process-runner.ts';
import { kustomizeInputs } from './kustomize-inputs.ts';
import { defaultNamespace, loadManifests, type ManifestObject, parseManifests } from './manifests.ts';

/** How long one `helm template` or `kustomize build` may take. */
const renderTimeoutMs = 120_000;

/** What reading every `manifests` entry gave. */
export interface LoadedManifests {
  readonly objects: ManifestObject[];
  readonly diagnostics: Diagnostic[];
  /** The YAML files read (relative to the project). */
  readonly files: string[];
}

/**
 * Reads every `manifests` entry: globbed YAML files as `loadManifests` reads
 * them, then each Helm chart and Kustomize directory rendered by its own
 * tool (`helm template`, `kustomize build` or else `kubectl kustomize`),
 * parsed into the same objects, so images are injected into them exactly as
 * into plain YAML. A render that fails, or a tool that is missing, is a
 * diagnostic with the tool's own message and the entry's key path.
 */
export async function loadManifestSources(
  fs: FileSystem,
  runner: ProcessRunner,
  options: { rootDir: string; sources: readonly ManifestSource[]; signal?: AbortSignal },
): Promise<LoadedManifests> {
  const globs = options.sources.flatMap((s, index) => (typeof s === 'string' ? [{ pattern: s, index }] : []));
  const loaded = await loadManifests(fs, {
    rootDir: options.rootDir,
    patterns: globs.map((g) => g.pattern),
    keyIndices: globs.map((g) => g.index),
  });
  const objects = [...loaded.objects];
  const diagnostics = [...loaded.diagnostics];
  for (const [index, source] of options.sources.entries()) {
    if (typeof source === 'string') continue;
    const rendered = await renderSource(runner, { source, index, rootDir: options.rootDir, signal: options.signal });
    if (!rendered.ok) {
      diagnostics.push(rendered.error);
      continue;
    }
    objects.push(...rendered.value.objects);
    diagnostics.push(...rendered.value.diagnostics);
  }
  return { objects, diagnostics, files: loaded.files };
}

/** One chart or overlay rendered and parsed; objects of a chart that name no namespace get the release's. */
export async function renderSource(
  runner: ProcessRunner,
  options: { source: Exclude<ManifestSource, string>; index: number; rootDir: string; signal?: AbortSignal },
): Promise<Result<{ objects: ManifestObject[]; diagnostics: Diagnostic[] }, Diagnostic>> {
  const s = manifestSourceKind(options.source);
  const rel = (p: string) => path.relative(options.rootDir, p) || '.';
  const run = (command: string, args: string[]) =>
    runner.run(command, args, { cwd: options.rootDir, signal: options.signal, timeoutMs: renderTimeoutMs });
  let result: RunResult;
  let what: string;
  let keyPath: string;
  switch (s.kind) {
    case 'files':
      return ok({ objects: [], diagnostics: [] });
    case 'helm':
      what = `helm template ${rel(s.helm.chart)}`;
      keyPath = `manifests[${options.index}].helm.chart`;
      result = await run('helm', helmTemplateArgs(s.helm));
      if (result.notFound) {
        return err(missingTool(keyPath, `helm is not installed (needed to render ${rel(s.helm.chart)})`, helmInstallHint));
      }
      break;
    case 'kustomize':
      what = `kustomize build ${rel(s.dir)}`;
      keyPath = `manifests[${options.index}].kustomize`;
      result = await run('kustomize', ['build', s.dir]);
      if (result.notFound) {
        what = `kubectl kustomize ${rel(s.dir)}`;
        result = await run('kubectl', ['kustomize', s.dir]);
      }
      if (result.notFound) {
        return err(
          missingTool(keyPath, `neither kustomize nor kubectl is installed (needed to render ${rel(s.dir)})`, kustomizeInstallHint),
        );
      }
      break;
    default:
      return unreachable(s);
  }
  if (result.exitCode !== 0 || result.cancelled) {
    return err({
      severity: 'error',
      code: 'manifest-render-failed',
      keyPath,
      message: `${what} failed: ${result.cancelled ? 'stopped before it finished' : toolMessage(result)}`,
      hint:
        s.kind === 'helm' ? 'that is helm’s own message: fix the chart or its values' : 'that is kustomize’s own message: fix the overlay',
    });
  }
  const parsed = parseManifests(result.stdout, what);
  const objects = s.kind === 'helm' ? inNamespace(parsed.objects, s.helm.namespace) : parsed.objects;
  // Lines of the rendered text mean nothing to the user: the entry and the document do.
  const diagnostics = parsed.diagnostics.map(({ line: _line, file: _file, ...d }) => ({ ...d, keyPath, message: `${what}: ${d.message}` }));
  return ok({ objects, diagnostics });
}

/** `helm template` for one chart: release and chart, namespace, values files, then `--set-string`/`--set` in order; never a shell. */
export function helmTemplateArgs(helm: HelmChartSource): string[] {
  const args = ['template', helm.releaseName, helm.chart, '--namespace', helm.namespace, '--include-crds', '--skip-tests'];
  for (const file of helm.values) args.push('--values', file);
  for (const [key, value] of Object.entries(helm.set)) {
    args.push(typeof value === 'string' ? '--set-string' : '--set', `${key}=${escapeSetValue(String(value))}`);
  }
  return args;
}

/** Helm splits `--set` values at commas: a literal comma (or backslash) is escaped. */
function escapeSetValue(value: string): string {
  return value.replace(/[\\,]/g, (c) => `\\${c}`);
}

/**
 * The watch patterns (absolute, or relative to the project for globs) whose
 * change means the manifests must be read again: the globs, each chart's
 * directory and values files, each overlay's directories and files.
 */
export async function manifestWatchPatterns(fs: FileSystem, sources: readonly ManifestSource[]): Promise<string[]> {
  const patterns: string[] = [];
  for (const source of sources) {
    const s = manifestSourceKind(source);
    switch (s.kind) {
      case 'files':
        patterns.push(s.pattern);
        break;
      case 'helm': {
        const isDir = (await fs.stat((await fs.realPath(s.helm.chart)) ?? s.helm.chart))?.kind === 'directory';
        patterns.push(isDir ? path.join(s.helm.chart, '**') : s.helm.chart, ...s.helm.values);
        break;
      }
      case 'kustomize':
        patterns.push(...(await kustomizeInputs(fs, s.dir)));
        break;
      default:
        unreachable(s);
    }
  }
  return [...new Set(patterns)];
}

function inNamespace(objects: readonly ManifestObject[], namespace: string): ManifestObject[] {
  const placed = defaultNamespace(
    objects.map((o) => o.object),
    namespace,
  );
  return objects.map((o, i) => ({ ...o, object: placed[i] ?? o.object }));
}

/** The tool's error, on one line: its `Error:` lines when it printed some, else all it printed on stderr. */
function toolMessage(result: RunResult): string {
  const lines = result.stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const errors = lines.filter((l) => /^error:/i.test(l)).map((l) => l.replace(/^error:\s*/i, ''));
  const text = (errors.length ? errors : lines).join(' ') || `exit code ${result.exitCode ?? 'unknown'}`;
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}

function missingTool(keyPath: string, message: string, hint: string): Diagnostic {
  return { severity: 'error', code: 'manifest-renderer-missing', keyPath, message, hint };
}

const helmInstallHint = 'install Helm 3 (https://helm.sh/docs/intro/install/) so that `helm` is on PATH';
const kustomizeInstallHint =
  'install kustomize (https://kubectl.docs.kubernetes.io/installation/kustomize/) or kubectl so that one of them is on PATH';
