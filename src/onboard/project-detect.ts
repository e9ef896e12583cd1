import * as path from 'node:path';
import { err, ok, type Result } from '../core/result.ts';
import { unreachable } from '../core/unreachable.ts';
import type { FileSystem } from '../system/file-system.ts';
import { toResourceName } from './names.ts';

/** The project languages `devloop init` has templates for. */
export type ProjectKind = 'python' | 'node' | 'go';

/** Every kind, in the order detection prefers them when several match. */
export const projectKinds: readonly ProjectKind[] = ['python', 'node', 'go'];

/** What init needs to know about a project to fill the templates. */
export type DetectedProject =
  | {
      readonly kind: 'python';
      /** The file that gave the kind away. */
      readonly evidence: string;
      readonly suggestedName: string;
      /** Where dependencies are declared; copied before the code. */
      readonly dependencies: 'requirements.txt' | 'pyproject.toml';
      /** Entry file relative to the project, e.g. `app/main.py`. */
      readonly entry: string;
      readonly fastapi: boolean;
    }
  | {
      readonly kind: 'node';
      readonly evidence: string;
      readonly suggestedName: string;
      readonly hasLockfile: boolean;
      readonly entry: string;
    }
  | {
      readonly kind: 'go';
      readonly evidence: string;
      readonly suggestedName: string;
      /** Package to build, `.` or `./cmd/<name>`. */
      readonly mainPackage: string;
    };

export type DetectError =
  | { readonly reason: 'no-project'; readonly dir: string }
  | { readonly reason: 'kind-not-present'; readonly kind: ProjectKind; readonly found: readonly ProjectKind[] };

/** Markers of each kind, as files in the project root. */
const markers: Record<ProjectKind, readonly string[]> = {
  python: ['pyproject.toml', 'requirements.txt'],
  node: ['package.json'],
  go: ['go.mod'],
};

/** The kinds whose marker files are in `dir`, in preference order. */
export async function detectKinds(fs: FileSystem, dir: string): Promise<ProjectKind[]> {
  const found: ProjectKind[] = [];
  for (const kind of projectKinds) {
    for (const marker of markers[kind]) {
      if ((await fs.stat(path.join(dir, marker)))?.kind === 'file') {
        found.push(kind);
        break;
      }
    }
  }
  return found;
}

/**
 * Recognises the project in `dir` from its marker files (pyproject.toml or
 * requirements.txt, package.json, go.mod) and reads what the templates need:
 * the name, the entry point, how dependencies are declared. `kind` forces a
 * choice when several languages live side by side.
 */
export async function detectProject(options: {
  readonly fs: FileSystem;
  readonly dir: string;
  readonly kind?: ProjectKind | undefined;
}): Promise<Result<DetectedProject, DetectError>> {
  const { fs, dir } = options;
  const found = await detectKinds(fs, dir);
  const kind = options.kind ?? found[0];
  if (kind === undefined) return err({ reason: 'no-project', dir });
  if (!found.includes(kind)) return err({ reason: 'kind-not-present', kind, found });
  const exists = async (file: string) => (await fs.stat(path.join(dir, file)))?.kind === 'file';
  const read = async (file: string) => ((await exists(file)) ? fs.readText(path.join(dir, file)) : '');
  const fallbackName = toResourceName(path.basename(dir));

  switch (kind) {
    case 'python': {
      const hasRequirements = await exists('requirements.txt');
      const pyproject = await read('pyproject.toml');
      const requirements = await read('requirements.txt');
      const projectName = /^\s*name\s*=\s*["']([^"']+)["']/m.exec(pyproject)?.[1];
      const candidates = ['app/main.py', 'src/main.py', 'main.py', 'app.py'];
      let entry = 'app/main.py';
      for (const c of candidates) {
        if (await exists(c)) {
          entry = c;
          break;
        }
      }
      return ok({
        kind,
        evidence: hasRequirements ? 'requirements.txt' : 'pyproject.toml',
        suggestedName: projectName ? toResourceName(projectName) : fallbackName,
        dependencies: hasRequirements ? 'requirements.txt' : 'pyproject.toml',
        entry,
        fastapi: /\bfastapi\b/i.test(`${requirements}\n${pyproject}`),
      });
    }
    case 'node': {
      const pkg = parseJson(await read('package.json'));
      const lock = (await exists('package-lock.json')) || (await exists('npm-shrinkwrap.json'));
      const start = typeof pkg.scripts === 'object' && pkg.scripts ? (pkg.scripts as Record<string, unknown>).start : undefined;
      const fromStart = typeof start === 'string' ? /^node\s+(?:--\S+\s+)*([^\s;&|]+)/.exec(start)?.[1] : undefined;
      let entry = fromStart ?? (typeof pkg.main === 'string' ? pkg.main : undefined);
      if (!entry) {
        entry = 'index.js';
        for (const c of ['server.js', 'index.js', 'src/server.js', 'src/index.js', 'app.js']) {
          if (await exists(c)) {
            entry = c;
            break;
          }
        }
      }
      return ok({
        kind,
        evidence: 'package.json',
        suggestedName: typeof pkg.name === 'string' && pkg.name ? toResourceName(pkg.name) : fallbackName,
        hasLockfile: lock,
        entry: entry.replace(/^\.\//, ''),
      });
    }
    case 'go': {
      const mod = /^\s*module\s+(\S+)/m.exec(await read('go.mod'))?.[1];
      let mainPackage = '.';
      if (!(await exists('main.go'))) {
        const commands = (await fs.readDir(path.join(dir, 'cmd'))).filter((e) => e.kind === 'directory');
        if (commands.length > 0) {
          const preferred = commands.find((c) => mod && c.name === mod.split('/').at(-1)) ?? commands[0];
          if (preferred) mainPackage = `./cmd/${preferred.name}`;
        }
      }
      return ok({ kind, evidence: 'go.mod', suggestedName: mod ? toResourceName(mod) : fallbackName, mainPackage });
    }
    default:
      return unreachable(kind);
  }
}

function parseJson(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
