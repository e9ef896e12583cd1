import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { cosmiconfig, defaultLoaders, type Loader } from 'cosmiconfig';
import type { Diagnostic } from '../core/diagnostic.ts';
import { errorText } from '../core/format.ts';
import { err, ok, type Result } from '../core/result.ts';
import { NodeFileSystem } from '../system/node-file-system.ts';
import { toPlainData } from './plain-data.ts';

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

/** What to load: the nearest config from a directory upward, or one file by path; then the personal file beside it. */
export type ConfigRequest = { readonly kind: 'search'; readonly cwd: string } | { readonly kind: 'load'; readonly file: string };

/** The raw object in a config file (plain data only) and the file's absolute path. */
export interface RawConfigFile {
  readonly file: string;
  readonly value: unknown;
}

/** The team file and, when there is one, the personal file beside it. */
export interface RawConfigFiles {
  readonly team: RawConfigFile;
  readonly local: RawConfigFile | undefined;
}

/** A search that found nothing answers `undefined`. */
export type ConfigAnswer = Result<RawConfigFiles | undefined, Diagnostic>;

/**
 * What a loader hands to cosmiconfig: never null, so that a file exporting
 * `null` (or nothing) is reported instead of being skipped for a config
 * further up the tree.
 */
class Exported {
  readonly value: unknown;
  constructor(value: unknown) {
    this.value = value;
  }
}

/**
 * Loads a config file (or searches for one) and the personal file beside
 * it, and answers their values as plain data. It imports the user's code, so
 * it runs in a worker that devloop can abandon (see `read-config-file.ts`);
 * `onFile` names each file as its loading starts, so a load that never ends
 * can be blamed on its file.
 */
export async function importConfig(request: ConfigRequest, onFile: (file: string) => void = () => undefined): Promise<ConfigAnswer> {
  const explorer = configExplorer(onFile);
  const team = await explore(() => (request.kind === 'search' ? explorer.search(request.cwd) : explorer.load(request.file)));
  if (!team.ok || !team.value) return team.ok ? ok(undefined) : team;
  const localFile = await findLocalFile(path.dirname(team.value.file));
  if (!localFile || localFile === team.value.file) return ok({ team: team.value, local: undefined });
  const local = await explore(() => explorer.load(localFile));
  if (!local.ok) return local;
  return ok({ team: team.value, local: local.value });
}

function configExplorer(onFile: (file: string) => void) {
  const wrap =
    (inner: Loader): Loader =>
    async (file, content) => {
      onFile(file);
      let value: unknown;
      try {
        value = await inner(file, content);
      } catch (error) {
        // Wrapped: cosmiconfig's search skips files whose error has an ENOENT or EACCES code, even one the config's own code hit.
        throw new LoadFailure(file, error);
      }
      // cosmiconfig reads the `devloop` key of package.json itself; a package.json without one is skipped.
      return path.basename(file) === 'package.json' ? value : new Exported(value);
    };
  return cosmiconfig('devloop', {
    searchPlaces,
    searchStrategy: 'project',
    cache: false,
    ignoreEmptySearchPlaces: false,
    loaders: {
      '.ts': wrap(importDefault),
      '.mts': wrap(importDefault),
      '.mjs': wrap(importDefault),
      '.js': wrap(importDefault),
      '.json': wrap(defaultLoaders['.json']),
      '.yaml': wrap(defaultLoaders['.yaml']),
      '.yml': wrap(defaultLoaders['.yml']),
    },
  });
}

/** Runs one cosmiconfig search or load; its value checked as plain data. */
async function explore(
  run: () => Promise<{ filepath: string; config: unknown } | null>,
): Promise<Result<RawConfigFile | undefined, Diagnostic>> {
  let found: { filepath: string; config: unknown } | null;
  try {
    found = await run();
  } catch (error) {
    if (error instanceof LoadFailure) return err(loadError(error.error, error.file));
    const e = error as { code?: string; path?: string };
    if (e.code === 'ENOENT')
      return err({ severity: 'error', code: 'config-not-found', message: 'file not found', ...(e.path ? { file: e.path } : {}) });
    return err(loadError(error, e.path));
  }
  if (!found) return ok(undefined);
  const file = path.resolve(found.filepath);
  const plain = toPlainData(found.config instanceof Exported ? found.config.value : found.config);
  if (!plain.ok) {
    return err({
      severity: 'error',
      code: 'config-not-plain-data',
      file,
      ...(plain.error.keyPath ? { keyPath: plain.error.keyPath } : {}),
      message: plain.error.message,
    });
  }
  return ok({ file, value: plain.value });
}

async function findLocalFile(dir: string): Promise<string | undefined> {
  const fs = new NodeFileSystem();
  for (const name of localPlaces) {
    const candidate = path.join(dir, name);
    // A personal file may be a link to one kept elsewhere: follow it.
    const real = await fs.realPath(candidate).catch(() => undefined);
    if (real !== undefined && (await fs.stat(real).catch(() => undefined))?.kind === 'file') return candidate;
  }
  return undefined;
}

/** An error thrown while a file's content was turned into a value: a syntax error, or the config's own code throwing. */
class LoadFailure extends Error {
  readonly file: string;
  readonly error: unknown;
  constructor(file: string, error: unknown) {
    super(errorText(error));
    this.file = file;
    this.error = error;
  }
}

/** A module's default export; `undefined` when it has none. */
const importDefault: Loader = async (file) => {
  const module = (await import(pathToFileURL(file).href)) as { default?: unknown };
  return module.default;
};

/** Turns a thrown load error into a diagnostic with the file and, when it can be found, the line. */
function loadError(error: unknown, file: string | undefined): Diagnostic {
  const e = (typeof error === 'object' && error !== null ? error : {}) as {
    message?: unknown;
    stack?: unknown;
    code?: unknown;
    name?: unknown;
    mark?: { line?: number };
  };
  const message = String(e.message ?? error);
  const stack = String(e.stack ?? '');
  const culprit = file ?? extractFile(message) ?? extractFile(stack);
  const line = extractLine(message, stack, culprit, e.mark?.line);
  return {
    severity: 'error',
    code: 'config-syntax-error',
    message: `cannot be loaded: ${cleanMessage(message) || errorText(error)}`,
    ...(culprit ? { file: culprit } : {}),
    ...(line ? { line } : {}),
    ...(culprit?.endsWith('.ts') && (e.name === 'SyntaxError' || String(e.code).includes('TYPESCRIPT'))
      ? { hint: 'TypeScript configs load through Node type stripping: use erasable syntax only (no enums or namespaces).' }
      : {}),
  };
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
