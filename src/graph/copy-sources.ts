/**
 * Which context paths a COPY/ADD source selects, the way Docker resolves it:
 * a source is cleaned and made relative to the context root; a plain source
 * selects that path and, if it is a directory, everything below it; a source
 * with wildcards (Go's `filepath.Match`: `*`, `?`, `[...]`, none crossing `/`)
 * selects every path it matches, again with everything below matched
 * directories.
 */
export interface SourcePattern {
  /** Cleaned, context-relative source; `''` is the whole context. */
  readonly path: string;
  readonly wildcard: boolean;
  readonly regex: RegExp | undefined;
  readonly segments: readonly string[];
}

/** Cleans a source as Docker does (`./a/../b/` → `b`, `/x` → `x`, `.` → whole context). */
export function compileSource(source: string): SourcePattern {
  const parts: string[] = [];
  for (const part of source.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  const cleaned = parts.join('/');
  const wildcard = /[*?[]/.test(cleaned);
  return { path: cleaned, wildcard, regex: wildcard ? globToRegex(cleaned) : undefined, segments: parts };
}

/** True when the URL form of ADD: it reads nothing from the context. */
export function isRemoteSource(source: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(source) || source.startsWith('git@');
}

/**
 * True when `relative` (a context path of a file or directory) is selected
 * by the source, or contains something the source selects (a directory that
 * was added or deleted as a whole).
 */
export function sourceTouches(pattern: SourcePattern, relative: string): boolean {
  if (pattern.path === '') return true;
  if (!pattern.wildcard) {
    return relative === pattern.path || relative.startsWith(`${pattern.path}/`) || pattern.path.startsWith(`${relative}/`);
  }
  if (sourceSelects(pattern, relative)) return true;
  // A directory above what the pattern matches, added or deleted as a whole.
  const segments = relative.split('/');
  return segments.length < pattern.segments.length && segments.every((s, i) => segmentRegex(pattern.segments[i] ?? '').test(s));
}

/** True when the source selects this file (used when hashing what a build reads). */
export function sourceSelects(pattern: SourcePattern, relative: string): boolean {
  if (pattern.path === '') return true;
  if (!pattern.wildcard) return relative === pattern.path || relative.startsWith(`${pattern.path}/`);
  const segments = relative.split('/');
  if (segments.length < pattern.segments.length) return false;
  return pattern.regex?.test(segments.slice(0, pattern.segments.length).join('/')) ?? false;
}

function globToRegex(glob: string): RegExp {
  return new RegExp(`^${glob.split('/').map(segmentSource).join('/')}$`);
}

function segmentRegex(segment: string): RegExp {
  return new RegExp(`^${segmentSource(segment)}$`);
}

function segmentSource(segment: string): string {
  let out = '';
  for (let i = 0; i < segment.length; i++) {
    const ch = segment[i] as string;
    if (ch === '*') out += '[^/]*';
    else if (ch === '?') out += '[^/]';
    else if (ch === '\\' && i + 1 < segment.length) out += escapeRegex(segment[++i] as string);
    else if (ch === '[') {
      const close = segment.indexOf(']', i + 1);
      if (close === -1) {
        out += '\\[';
        continue;
      }
      let body = segment.slice(i + 1, close);
      if (body.startsWith('^') || body.startsWith('!')) body = `^${body.slice(1)}`;
      out += `[${body.replace(/\\/g, '\\\\')}]`;
      i = close;
    } else out += escapeRegex(ch);
  }
  return out;
}

function escapeRegex(ch: string): string {
  return ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
