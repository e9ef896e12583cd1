import * as path from 'node:path';
import dockerignore from '@balena/dockerignore';
import type { BuildContext } from '../graph/build-context.ts';
import { toContextPath } from '../graph/build-context.ts';

const ignore = dockerignore as unknown as typeof dockerignore.default;

/** Editor and OS droppings that never mean a real change. */
const noiseFile = /(^|\/)(\.#[^/]*|#[^/]*#|[^/]*~|[^/]*\.sw[a-p]|4913|\.DS_Store|[^/]*\.tmp|[^/]*\.kate-swp|\.goutputstream-[^/]*)$/;
const noiseDir = /(^|\/)(\.git|\.hg|\.svn|\.devloop|\.idea\/workspace\.xml)$/;

/** What the watcher must know to tell a relevant path from noise. */
export interface WatchFilterInput {
  readonly rootDir: string;
  /** One per image: its build context (with .dockerignore) as Docker sees it. */
  readonly contexts: readonly BuildContext[];
  /** Absolute config files (team and personal). */
  readonly configFiles: readonly string[];
  /** Manifest patterns relative to rootDir (files or globs). */
  readonly manifests: readonly string[];
  /** Local commands' deps, relative to rootDir (files or globs): watched like manifests. */
  readonly localDeps?: readonly string[];
  /** `watch.ignore` patterns, relative to rootDir (gitignore syntax, see `gitignoreToDockerignore`). */
  readonly ignore: readonly string[];
}

/** The watcher's question: is this path irrelevant? Directories may be pruned. */
export type WatchFilter = (absolutePath: string, kind: 'file' | 'directory' | 'unknown') => boolean;

/**
 * Builds the ignore function: a path matters when it is a config or manifest
 * file or a local command's dep, or when some image's build context would send it to Docker (after
 * .dockerignore and the image's own `ignore`). `.git`, editor temporary files
 * and `watch.ignore` never matter. Directories excluded by every context that
 * holds them are not walked at all (unless a `!` exception could re-include
 * something inside).
 */
export function createWatchFilter(input: WatchFilterInput): WatchFilter {
  const userIgnore = ignore({ ignorecase: false }).add(gitignoreToDockerignore(input.ignore));
  const configFiles = new Set(input.configFiles.map((f) => path.resolve(f)));
  // Dockerfiles and ignore files count even outside their context (a Dockerfile given as ../docker/api.Dockerfile).
  for (const context of input.contexts) for (const file of context.controlFiles) configFiles.add(file);
  const patterns = watchedPatterns(input);
  const manifestMatchers = patterns.map((p) => globToRegExp(path.resolve(input.rootDir, p)));
  // A `**` pattern (a chart's or overlay's whole directory) reaches into every folder under its fixed part.
  const deepManifestRoots = patterns.filter((p) => p.includes('**')).map((p) => fixedPrefix(path.resolve(input.rootDir, p)));
  const patternTargets = patterns.map((m) => path.resolve(input.rootDir, m));
  const leadsToPattern = (dir: string) =>
    patternTargets.some((target) => target.startsWith(`${dir}${path.sep}`) || target === dir) ||
    deepManifestRoots.some((root) => dir === root || dir.startsWith(`${root}${path.sep}`));
  return (absolutePath, kind) => {
    const file = path.resolve(absolutePath);
    if (configFiles.has(file)) return false;
    const fromRoot = toContextPath(input.rootDir, file);
    if (fromRoot !== undefined && fromRoot !== '') {
      if (noiseDir.test(fromRoot) || fromRoot.split('/').some((part) => part === '.git')) return true;
      if (kind !== 'directory' && noiseFile.test(fromRoot)) return true;
      if (userIgnore.ignores(fromRoot)) return true;
    }
    if (kind !== 'directory' && manifestMatchers.some((m) => m.test(file))) return false;
    // A folder a manifest or local command dep lies in (or under) is walked even where a context ignores it (a schema a generator reads).
    if (kind !== 'file' && leadsToPattern(file)) return false;
    let insideAny = false;
    for (const context of input.contexts) {
      const relative = toContextPath(context.dir, file);
      if (relative === undefined) continue;
      insideAny = true;
      if (relative === '') return false;
      if (kind === 'directory') {
        if (context.inContext(relative) || context.hasExceptions) return false;
      } else if (context.watches(relative)) {
        return false;
      }
    }
    if (insideAny) return true;
    // A directory that leads to a context, a manifest or a config file must still be walked.
    if (kind !== 'file') {
      const leadsSomewhere = [...input.contexts.map((c) => c.dir), ...configFiles].some(
        (target) => target.startsWith(`${file}${path.sep}`) || target === file,
      );
      if (leadsSomewhere) return false;
    }
    return true;
  };
}

/** Roots to hand the watcher: each context, each manifest's fixed directory, each config file. */
export function watchRoots(input: WatchFilterInput): string[] {
  const roots = new Set<string>();
  for (const context of input.contexts) {
    roots.add(context.dir);
    if (context.dockerfile === undefined) roots.add(context.dockerfilePath);
  }
  for (const pattern of watchedPatterns(input)) roots.add(fixedPrefix(path.resolve(input.rootDir, pattern)));
  for (const file of input.configFiles) roots.add(path.resolve(file));
  const sorted = [...roots].sort();
  return sorted.filter((root) => !sorted.some((other) => other !== root && root.startsWith(`${other}${path.sep}`)));
}

/** Files or globs watched whatever the contexts say: the manifests and the local commands' deps. */
function watchedPatterns(input: WatchFilterInput): readonly string[] {
  return input.localDeps?.length ? [...input.manifests, ...input.localDeps] : input.manifests;
}

function fixedPrefix(pattern: string): string {
  const parts = pattern.split(path.sep);
  const index = parts.findIndex((p) => /[*?[{]/.test(p));
  return index === -1 ? pattern : parts.slice(0, index).join(path.sep) || path.sep;
}

/**
 * `watch.ignore` is gitignore syntax; the matcher speaks .dockerignore,
 * whose patterns are all anchored at the root. So, as in git: a pattern
 * with no slash but a trailing one matches at any depth (`*.log` matches
 * `app/debug.log`), a leading slash anchors it, a trailing slash is dropped
 * (directories and files alike are skipped), `!` re-includes.
 */
export function gitignoreToDockerignore(patterns: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of patterns) {
    let pattern = raw.trim();
    if (pattern === '' || pattern.startsWith('#')) continue;
    const negated = pattern.startsWith('!');
    if (negated) pattern = pattern.slice(1);
    pattern = pattern.replace(/\/+$/, '');
    if (pattern === '') continue;
    const anchored = pattern.startsWith('/') || pattern.includes('/');
    pattern = pattern.replace(/^\/+/, '');
    out.push(`${negated ? '!' : ''}${anchored || pattern.startsWith('**') ? pattern : `**/${pattern}`}`);
  }
  return out;
}

/** `*` within a segment, `**` across segments, `?` one character; anchored. */
export function globToRegExp(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        out += '.*';
        i++;
        if (pattern[i + 1] === '/') i++;
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}
