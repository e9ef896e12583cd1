import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { cosmiconfig, type Loader } from 'cosmiconfig';
import type { Diagnostic } from '../core/diagnostic.ts';
import { err, ok, type Result } from '../core/result.ts';

/** Files searched in each directory, nearest to the working directory first. */
export const searchPlaces = [
  'devloop.config.ts',
  'devloop.config.mts',
  'devloop.config.mjs',
  'devloop.config.js',
  'devloop.config.json',
  'devloop.config.yaml',
  'devloop.config.yml',
  'package.json',
];

/** Personal override files looked for beside the team file (gitignored). */
export const localPlaces = [
  'devloop.local.config.ts',
  'devloop.local.config.mts',
  'devloop.local.config.mjs',
  'devloop.local.config.js',
  'devloop.local.config.json',
  'devloop.local.config.yaml',
  'devloop.local.config.yml',
];

/**
 * Imports a JS/TS config module afresh each time (a query string defeats
 * Node's module cache), so an edited config reloads while devloop runs.
 * TypeScript files load through Node's own type stripping: erasable syntax only.
 */
const freshImport: Loader = async (filepath) => {
  const url = pathToFileURL(filepath);
  url.search = `?v=${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const module = (await import(url.href)) as { default?: unknown };
  return module.default ?? null;
};

const explorer = cosmiconfig('devloop', {
  searchPlaces,
  searchStrategy: 'project',
  cache: false,
  loaders: { '.ts': freshImport, '.mts': freshImport, '.mjs': freshImport, '.js': freshImport },
});

/** The raw object in a config file and the file's absolute path. */
export interface RawConfigFile {
  readonly file: string;
  readonly value: unknown;
}

/**
 * Finds the nearest config file from `cwd` upward (to the project root). When
 * loading fails, the file is named from the search itself, not guessed from
 * the error text.
 */
export async function findConfigFile(
  cwd: string,
  exists: (file: string) => Promise<boolean>,
): Promise<Result<RawConfigFile | undefined, Diagnostic>> {
  try {
    const found = await explorer.search(cwd);
    return ok(found ? { file: found.filepath, value: found.config } : undefined);
  } catch (error) {
    return err(loadError(error, await nearestCandidate(cwd, exists)));
  }
}

async function nearestCandidate(cwd: string, exists: (file: string) => Promise<boolean>): Promise<string | undefined> {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    for (const place of searchPlaces) {
      if (place !== 'package.json' && (await exists(path.join(dir, place)))) return path.join(dir, place);
    }
    if (dir === path.dirname(dir) || (await exists(path.join(dir, 'package.json')))) return undefined;
  }
}

/** Loads one config file by path. */
export async function readConfigFile(file: string): Promise<Result<RawConfigFile, Diagnostic>> {
  try {
    const found = await explorer.load(file);
    return ok({ file: path.resolve(file), value: found?.config ?? null });
  } catch (error) {
    return err(loadError(error, path.resolve(file)));
  }
}

/** Turns a thrown load error into a diagnostic with the file and, when it can be found, the line. */
function loadError(error: unknown, file: string | undefined): Diagnostic {
  const e = error as { message?: string; stack?: string; code?: string; mark?: { line?: number }; filepath?: string };
  const message = String(e.message ?? error);
  if (e.code === 'ENOENT') {
    return { severity: 'error', code: 'config-not-found', message: 'file not found', ...(file ? { file } : {}) };
  }
  const culprit = file ?? extractFile(message) ?? extractFile(e.stack ?? '');
  const line = extractLine(message, e.stack ?? '', culprit, e.mark?.line);
  const firstLine = cleanMessage(message);
  return {
    severity: 'error',
    code: 'config-syntax-error',
    message: `cannot be loaded: ${firstLine}`,
    ...(culprit ? { file: culprit } : {}),
    ...(line ? { line } : {}),
    hint: culprit?.endsWith('.ts')
      ? 'TypeScript configs load through Node type stripping: use erasable syntax only (no enums or namespaces).'
      : undefined,
  } as Diagnostic;
}

function extractFile(text: string): string | undefined {
  const match = /(?:file:\/\/)?(\/[^\s:'"()]*devloop(?:\.local)?\.config\.[a-z]+)/.exec(text);
  return match?.[1];
}

function extractLine(message: string, stack: string, file: string | undefined, yamlLine: number | undefined): number | undefined {
  if (yamlLine !== undefined) return yamlLine + 1;
  const base = file ? path.basename(file) : 'devloop';
  for (const text of [message, stack]) {
    const escaped = base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const at = new RegExp(`${escaped}(?:\\?[^:\\s]*)?:(\\d+)`).exec(text);
    if (at?.[1]) return Number(at[1]);
    const swc = /\[[^\]]*?:(\d+):\d+\]/.exec(text);
    if (swc?.[1]) return Number(swc[1]);
    const json = /line (\d+)/i.exec(text);
    if (json?.[1]) return Number(json[1]);
  }
  return undefined;
}

function cleanMessage(message: string): string {
  const lines = message
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('at ') && !/^(JSON|YAML) Error in/.test(l));
  return (lines[0] ?? message).replace(/^x\s+/, '').slice(0, 300);
}
