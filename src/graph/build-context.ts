import * as path from 'node:path';
import dockerignore from '@balena/dockerignore';
import { dockerignoreName, ignoreFileCandidates } from '../core/docker-ignore-files.ts';
import { isOutside } from '../core/paths.ts';

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
  /**
   * True when every entry `depth` path segments deep is in the context
   * exactly when its directory is: no pattern can tell two entries of one
   * directory apart there, so a walk may ask once per directory.
   */
  sameAsDirectory(depth: number): boolean;
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
  const deciding = decidingDepths(patterns);
  return {
    dir,
    dockerfilePath,
    dockerfile: dockerfileRelative,
    patterns,
    ignoreFile: dockerignore === undefined ? undefined : (dockerignoreFile ?? path.join(dir, dockerignoreName)),
    controlFiles,
    hasExceptions: patterns.some((p) => p.startsWith('!')),
    inContext,
    sameAsDirectory: (depth) => deciding !== undefined && !deciding.has(depth),
    watches: (relative) => controlRelative.has(relative) || (inContext(relative) && !extra.ignores(relative)),
  };
}

/**
 * The depths (in path segments) of the paths some pattern can match whole.
 * Docker's matcher tries a pattern on the path itself and on the parent
 * directories as deep as the pattern, so at any other depth it decides every
 * entry of a directory alike. Undefined when a pattern may match at any depth:
 * `**`, and characters the matcher would pass to its regular expression.
 */
function decidingDepths(patterns: readonly string[]): ReadonlySet<number> | undefined {
  const depths = new Set<number>();
  for (const line of patterns) {
    const pattern = (line.startsWith('!') ? line.slice(1) : line).trim().replace(/^\/+/, '').replace(/\/+$/, '');
    if (pattern.includes('**') || !simplePattern.test(pattern)) return undefined;
    const segments = pattern.split('/');
    if (segments.some((segment) => segment === '.' || segment === '..')) return undefined;
    depths.add(segments.length);
  }
  return depths;
}

/** Segments of names, `*` and `?`, joined by single slashes. */
const simplePattern = /^[\w.*?@%=,:~ -]+(\/[\w.*?@%=,:~ -]+)*$/;

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
