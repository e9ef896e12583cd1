import * as path from 'node:path';
import dockerignore from '@balena/dockerignore';
import { type FileSystem, isPermissionDenied } from '../system/file-system.ts';

// The package is CommonJS (`module.exports = factory`) but its types declare an ES default export.
const ignore = dockerignore as unknown as typeof dockerignore.default;

/**
 * The build context as Docker sees it. `.dockerignore` patterns are matched
 * by @balena/dockerignore, a port of Docker's own matcher: patterns anchored
 * at the context root, `*` within one path segment, `**` across segments,
 * later `!` exceptions re-including paths. Matching is case-sensitive, like
 * Docker on Linux.
 *
 * Which ignore file applies is BuildKit's rule (`ignoreFileCandidates`): a
 * `<Dockerfile>.dockerignore` beside the Dockerfile replaces the context's
 * `.dockerignore`.
 *
 * The docker CLI always sends the Dockerfile and the ignore file to the
 * daemon, but the daemon removes them again before any COPY runs when the
 * patterns exclude them; so for what a COPY can see, the plain pattern
 * answer is the right one (`inContext`). A change to the Dockerfile or to
 * either ignore file always matters to devloop, though (`watches`).
 */
export interface BuildContext {
  /** Absolute context directory. */
  readonly dir: string;
  /** Absolute Dockerfile path. */
  readonly dockerfilePath: string;
  /** The Dockerfile relative to the context (posix), or undefined when it lives outside it. */
  readonly dockerfile: string | undefined;
  /** Patterns of the ignore file in effect, comments and blank lines dropped. */
  readonly patterns: readonly string[];
  /** Absolute path of the ignore file in effect, or undefined when the context has none. */
  readonly ignoreFile: string | undefined;
  /** Absolute paths whose change can change the context: the Dockerfile and both ignore file candidates. */
  readonly controlFiles: readonly string[];
  /** True when a COPY/ADD could read this context-relative path. */
  inContext(relative: string): boolean;
  /** True when a change at this path can matter to a build: in the context and not in the image's extra `ignore`. */
  watches(relative: string): boolean;
  /** True when an excluded directory may still hold re-included paths, so walking into it is needed. */
  readonly hasExceptions: boolean;
}

/** Inputs of `createBuildContext`. */
export interface BuildContextOptions {
  readonly dir: string;
  /** Absolute Dockerfile path. */
  readonly dockerfile: string;
  /** Text of the ignore file in effect (see `readIgnoreFile`), or undefined when there is none. */
  readonly dockerignore: string | undefined;
  /** Absolute path of that file; default `<dir>/.dockerignore`. */
  readonly dockerignoreFile?: string;
  /** The image's extra watch-only ignore patterns (.dockerignore syntax). */
  readonly extraIgnore?: readonly string[];
}

/** The file name Docker reads ignore patterns from, at the context root. */
export const dockerignoreName = '.dockerignore';

/**
 * The ignore files Docker may apply to a build, first match wins, as
 * BuildKit's Dockerfile frontend decides: `<Dockerfile path>.dockerignore`
 * (beside the Dockerfile, named after it: `Dockerfile.dockerignore`,
 * `docker/api.Dockerfile.dockerignore`), else `.dockerignore` at the
 * context root. The classic builder reads only the second; see
 * `classicBuilderDisagrees`.
 */
export function ignoreFileCandidates(dir: string, dockerfile: string): [specific: string, contextWide: string] {
  return [`${path.resolve(dir, dockerfile)}.dockerignore`, path.join(dir, dockerignoreName)];
}

/** The ignore file in effect and its text. */
export interface IgnoreFile {
  readonly path: string;
  readonly text: string;
}

/**
 * The one place that answers "which ignore file does this image's build
 * apply": the first of `ignoreFileCandidates` that is a file, or undefined.
 * Everything that reasons about a context (plan, digest, watch, lint, the
 * start-up secrets warning) reads it through here.
 */
export async function readIgnoreFile(fs: FileSystem, dir: string, dockerfile: string): Promise<IgnoreFile | undefined> {
  for (const candidate of ignoreFileCandidates(dir, dockerfile)) {
    const stat = await fs.stat(candidate);
    if (stat?.kind === 'file') return { path: candidate, text: await fs.readText(candidate) };
  }
  return undefined;
}

/**
 * The first file Docker must read before a build that this user may not
 * (permission denied): the Dockerfile, then the ignore file in effect.
 * Checked up front so that a config or usage error names it, instead of a
 * read failing deep inside plan or lint.
 */
export async function unreadableBuildFile(fs: FileSystem, dir: string, dockerfile: string): Promise<string | undefined> {
  const [specific, contextWide] = ignoreFileCandidates(dir, dockerfile);
  const ignoreInEffect = (await fs.stat(specific))?.kind === 'file' ? specific : contextWide;
  for (const file of [path.resolve(dir, dockerfile), ignoreInEffect]) {
    if ((await fs.stat(file))?.kind !== 'file') continue;
    try {
      await fs.readBytes(file);
    } catch (error) {
      if (isPermissionDenied(error)) return file;
      throw error;
    }
  }
  return undefined;
}

/** Reads the ignore file in effect and builds the context matcher. */
export async function loadBuildContext(
  fs: FileSystem,
  options: { readonly dir: string; readonly dockerfile: string; readonly extraIgnore?: readonly string[] },
): Promise<BuildContext> {
  const file = await readIgnoreFile(fs, options.dir, options.dockerfile);
  return createBuildContext({ ...options, dockerignore: file?.text, ...(file ? { dockerignoreFile: file.path } : {}) });
}

/**
 * True when the classic builder (which reads only the context's
 * `.dockerignore`) would send a different context than BuildKit: a
 * Dockerfile-specific ignore file is in effect and its patterns differ.
 * devloop's view of the context is BuildKit's, so such a build must not run
 * on the classic builder.
 */
export async function classicBuilderDisagrees(fs: FileSystem, context: BuildContext): Promise<boolean> {
  const [specific, contextWide] = ignoreFileCandidates(context.dir, context.dockerfilePath);
  if (context.ignoreFile !== specific) return false;
  const stat = await fs.stat(contextWide);
  const classic = stat?.kind === 'file' ? parseDockerignore(await fs.readText(contextWide)) : [];
  return classic.join('\n') !== context.patterns.join('\n');
}

/** Builds the matcher for one image's context. */
export function createBuildContext({
  dir,
  dockerfile,
  dockerignore,
  dockerignoreFile,
  extraIgnore = [],
}: BuildContextOptions): BuildContext {
  const patterns = parseDockerignore(dockerignore ?? '');
  const matcher = ignore({ ignorecase: false }).add([...patterns]);
  const extra = ignore({ ignorecase: false }).add([...extraIgnore]);
  const dockerfilePath = path.resolve(dir, dockerfile);
  const dockerfileRelative = toContextPath(dir, dockerfile);
  const controlFiles = [dockerfilePath, ...ignoreFileCandidates(dir, dockerfilePath)];
  const controlRelative = new Set(controlFiles.map((f) => toContextPath(dir, f)).filter((f) => f !== undefined));
  const inContext = (relative: string): boolean => relative === '' || relative === '.' || !matcher.ignores(relative);
  return {
    dir,
    dockerfilePath,
    dockerfile: dockerfileRelative,
    patterns,
    ignoreFile: dockerignore === undefined ? undefined : (dockerignoreFile ?? path.join(dir, dockerignoreName)),
    controlFiles,
    hasExceptions: patterns.some((p) => p.startsWith('!')),
    inContext,
    watches: (relative) => controlRelative.has(relative) || (inContext(relative) && !extra.ignores(relative)),
  };
}

/** Lines of a .dockerignore that are patterns: trimmed, without comments and blank lines. */
export function parseDockerignore(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/**
 * A path relative to the context in posix form, from a context-relative or
 * absolute path; undefined when it lies outside the context.
 */
export function toContextPath(dir: string, file: string): string | undefined {
  const absolute = path.isAbsolute(file) ? file : path.join(dir, file);
  const relative = path.relative(dir, absolute);
  if (relative === '') return '';
  if (isOutside(relative)) return undefined;
  return relative.split(path.sep).join('/');
}

/** True for a `path.relative` answer that leaves its base (`..`, `../x`), but not for names like `..data`. */
export function isOutside(relative: string): boolean {
  return relative === '..' || relative.startsWith(`..${path.sep}`) || relative.startsWith('../') || path.isAbsolute(relative);
}
