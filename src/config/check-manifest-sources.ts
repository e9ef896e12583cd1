import * as path from 'node:path';
import type { Diagnostic } from '../core/diagnostic.ts';
import { kustomizationFileNames, type ManifestSource, manifestSourceKind } from '../core/manifest-source.ts';
import { unreachable } from '../core/unreachable.ts';
import type { FileSystem } from '../system/file-system.ts';
import type { FileOf } from './schema.ts';

/**
 * Checks the paths of chart and overlay entries before anything renders:
 * a chart is a directory with Chart.yaml or a packaged `.tgz`, each values
 * file exists, an overlay is a directory with a kustomization. Each problem
 * names its key path (`manifests[1].helm.chart`). Globs are checked when read.
 */
export async function checkManifestSources(
  sources: readonly ManifestSource[],
  rootDir: string,
  fileOf: FileOf,
  fs: FileSystem,
): Promise<Diagnostic[]> {
  const out: Diagnostic[] = [];
  const kindAt = async (p: string) => (await fs.stat((await fs.realPath(p)) ?? p))?.kind;
  const shown = (p: string) => path.relative(rootDir, p) || '.';
  const problem = (keyPath: string, code: string, message: string, hint: string) =>
    out.push({ severity: 'error', code, keyPath, file: fileOf(keyPath), message, hint });
  for (const [i, source] of sources.entries()) {
    const s = manifestSourceKind(source);
    switch (s.kind) {
      case 'files':
        break;
      case 'helm': {
        const keyPath = `manifests[${i}].helm.chart`;
        const kind = await kindAt(s.helm.chart);
        const hint = 'chart is a chart directory (with Chart.yaml) or a packaged .tgz, relative to the config file';
        if (kind === undefined) problem(keyPath, 'config-missing-chart', `${shown(s.helm.chart)} does not exist`, hint);
        else if (kind === 'directory' && (await kindAt(path.join(s.helm.chart, 'Chart.yaml'))) !== 'file') {
          problem(keyPath, 'config-missing-chart', `${shown(s.helm.chart)} has no Chart.yaml`, hint);
        } else if (kind !== 'directory' && !s.helm.chart.endsWith('.tgz')) {
          problem(keyPath, 'config-missing-chart', `${shown(s.helm.chart)} is neither a chart directory nor a .tgz package`, hint);
        }
        for (const [j, file] of s.helm.values.entries()) {
          const valuesKind = await kindAt(file);
          if (valuesKind !== 'file') {
            const message = valuesKind ? `${shown(file)} is not a regular file` : `file ${shown(file)} does not exist`;
            problem(`manifests[${i}].helm.values[${j}]`, 'config-missing-values', message, 'values files are relative to the config file');
          }
        }
        break;
      }
      case 'kustomize': {
        const keyPath = `manifests[${i}].kustomize`;
        const hint = 'kustomize names a directory with a kustomization.yaml, relative to the config file';
        if ((await kindAt(s.dir)) !== 'directory')
          problem(keyPath, 'config-missing-kustomization', `directory ${shown(s.dir)} does not exist`, hint);
        else {
          const found = await Promise.all(kustomizationFileNames.map((name) => kindAt(path.join(s.dir, name))));
          if (!found.includes('file')) problem(keyPath, 'config-missing-kustomization', `${shown(s.dir)} has no kustomization.yaml`, hint);
        }
        break;
      }
      default:
        unreachable(s);
    }
  }
  return out;
}
