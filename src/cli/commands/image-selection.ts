import * as path from 'node:path';
import { BuildRecordStore } from '../../build/build-record.ts';
import { cacheDirectory, HashIndex, hashIndexFile } from '../../build/hash-index.ts';
import type { ResolvedConfig, ResolvedImage } from '../../config/resolved-config.ts';
import { unreadableBuildFile } from '../../config/unreadable-build-file.ts';
import { isOutside } from '../../core/paths.ts';
import type { CliContext } from '../cli-context.ts';

/** Where plan, lint and build find their images: the loaded config, or one image given on the command line. */
export interface ImageSource {
  /** The resolved config, when there is one. */
  readonly config?: ResolvedConfig;
  /** Standalone: a context directory (no config needed). */
  readonly context?: string;
  /** Standalone: Dockerfile path, relative to the working directory; default `<context>/Dockerfile`. */
  readonly dockerfile?: string;
  readonly target?: string;
}

/**
 * The images a command works on, and the directory its cache is keyed by; a
 * usage message when there are none, or when `--context` / `--dockerfile`
 * name nothing usable (a symlinked context is followed, as the config does).
 */
export async function selectImages(
  ctx: CliContext,
  source: ImageSource,
): Promise<{ images: ResolvedImage[]; projectRoot: string } | { usage: string }> {
  if (source.context !== undefined) {
    const given = path.resolve(ctx.cwd, source.context);
    const context = await ctx.fs.realPath(given);
    if (context === undefined || (await ctx.fs.stat(context))?.kind !== 'directory') {
      return { usage: `--context ${source.context}: ${context === undefined ? 'no such directory' : 'not a directory'}` };
    }
    const dockerfile = source.dockerfile ? path.resolve(ctx.cwd, source.dockerfile) : path.join(context, 'Dockerfile');
    const realDockerfile = await ctx.fs.realPath(dockerfile);
    if (realDockerfile === undefined || (await ctx.fs.stat(realDockerfile))?.kind !== 'file') {
      const flag = source.dockerfile ? `--dockerfile ${source.dockerfile}` : `--context ${source.context}`;
      return {
        usage: `${flag}: ${realDockerfile === undefined ? `no Dockerfile at ${dockerfile}` : `${dockerfile} is not a regular file`}`,
      };
    }
    const unreadable = await unreadableBuildFile(ctx.fs, context, dockerfile);
    if (unreadable) return { usage: `cannot read ${displayPath(ctx, unreadable)} (permission denied)` };
    const name = path.basename(given) || 'image';
    return {
      projectRoot: context,
      images: [
        { name, context, dockerfile, target: source.target, buildArgs: {}, secrets: {}, dependsOn: [], ignore: [], repository: name },
      ],
    };
  }
  if (source.config) return { images: Object.values(source.config.images), projectRoot: source.config.rootDir };
  return {
    usage:
      'no devloop config found: run inside a project with devloop.config.ts, or pass --context DIR [--dockerfile FILE] [--target STAGE]',
  };
}

/** The persistent hash index and build records of a project, from devloop's cache directory. */
export async function openCaches(ctx: CliContext, projectRoot: string): Promise<{ index: HashIndex; records: BuildRecordStore }> {
  const cacheDir = cacheDirectory({ projectRoot, env: ctx.env });
  return {
    index: await HashIndex.open({ fs: ctx.fs, file: hashIndexFile(cacheDir), hasher: ctx.fileHasher?.() }),
    records: new BuildRecordStore({ fs: ctx.fs, cacheDir }),
  };
}

/** A path as the user would type it from the working directory. */
export function displayPath(ctx: CliContext, absolute: string): string {
  const relative = path.relative(ctx.cwd, absolute);
  return relative === '' ? '.' : isOutside(relative) ? absolute : relative;
}
