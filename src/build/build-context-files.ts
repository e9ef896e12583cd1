import { ignoreFileCandidates } from '../core/docker-ignore-files.ts';
import { type BuildContext, createBuildContext, parseDockerignore } from '../graph/build-context.ts';
import type { FileSystem } from '../system/file-system.ts';

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
