import * as path from 'node:path';
import { parse } from 'yaml';
import { kustomizationFileNames } from '../core/manifest-source.ts';
import type { FileSystem } from '../system/file-system.ts';
import { isRecord } from './manifests.ts';

/** The kustomization file of `dir`, or undefined when it has none. */
export async function findKustomization(fs: FileSystem, dir: string): Promise<string | undefined> {
  for (const name of kustomizationFileNames) {
    const file = path.join(dir, name);
    if ((await fs.stat(file))?.kind === 'file') return file;
  }
  return undefined;
}

/**
 * The local directories and files an overlay is built from, as watch
 * patterns (absolute): the overlay's own directory, each base or component it
 * names (followed into their kustomizations), and files it names outside
 * those (a patch in `../patches/`). Remote bases (URLs, `github.com/…`) are
 * not watched. Unreadable or invalid kustomizations contribute only their
 * directory: `kustomize build` reports them.
 */
export async function kustomizeInputs(fs: FileSystem, dir: string): Promise<string[]> {
  const dirs: string[] = [];
  const files: string[] = [];
  const visit = async (current: string) => {
    if (dirs.includes(current)) return;
    dirs.push(current);
    const kustomization = await findKustomization(fs, current);
    if (!kustomization) return;
    let doc: unknown;
    try {
      doc = parse(await fs.readText(kustomization));
    } catch {
      return;
    }
    for (const ref of referencedPaths(doc)) {
      if (isRemote(ref)) continue;
      const target = path.resolve(current, ref);
      const stat = await fs.stat((await fs.realPath(target)) ?? target);
      if (stat?.kind === 'directory') await visit(target);
      else if (stat?.kind === 'file') files.push(target);
    }
  };
  await visit(path.resolve(dir));
  const inside = (p: string) => dirs.some((d) => p.startsWith(`${d}${path.sep}`));
  return [...dirs.filter((d) => !inside(d)).map((d) => path.join(d, '**')), ...new Set(files.filter((f) => !inside(f)))];
}

/** Paths a kustomization names: resources, bases, components, patches, generator files and env files. */
function referencedPaths(doc: unknown): string[] {
  if (!isRecord(doc)) return [];
  const out: string[] = [];
  const strings = (value: unknown) => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
  for (const key of ['resources', 'bases', 'components', 'crds', 'patchesStrategicMerge', 'configurations']) out.push(...strings(doc[key]));
  for (const key of ['patches', 'patchesJson6902', 'replacements']) {
    for (const item of Array.isArray(doc[key]) ? doc[key] : []) if (isRecord(item) && typeof item.path === 'string') out.push(item.path);
  }
  for (const key of ['configMapGenerator', 'secretGenerator']) {
    for (const item of Array.isArray(doc[key]) ? doc[key] : []) {
      if (!isRecord(item)) continue;
      // `files` entries may be `key=path`
      out.push(...strings(item.files).map((f) => f.slice(f.indexOf('=') + 1)), ...strings(item.envs));
      if (typeof item.env === 'string') out.push(item.env);
    }
  }
  // an inline patch (several lines) is no path
  return out.filter((p) => p !== '' && !p.includes('\n'));
}

function isRemote(ref: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(ref) || /^(github\.com|gitlab\.com|bitbucket\.org)\//.test(ref) || ref.startsWith('git@');
}
