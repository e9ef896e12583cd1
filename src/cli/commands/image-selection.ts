import * as path from 'node:path';
import { BuildRecordStore } from '../../build/build-record.ts';
import { cacheDirectory, HashIndex, hashIndexFile } from '../../build/hash-index.ts';
import type { ResolvedConfig, ResolvedImage } from '../../config/resolved-config.ts';
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

/** The images a command works on, and the directory its cache is keyed by; a usage message when there are none. */
export function selectImages(ctx: CliContext, source: ImageSource): { images: ResolvedImage[]; projectRoot: string } | { usage: string } {
  if (source.context !== undefined) {
    const context = path.resolve(ctx.cwd, source.context);
    const name = path.basename(context) || 'image';
    return {
      projectRoot: context,
      images: [
        {
          name,
          context,
          dockerfile: source.dockerfile ? path.resolve(ctx.cwd, source.dockerfile) : path.join(context, 'Dockerfile'),
          target: source.target,
          buildArgs: {},
          secrets: {},
          dependsOn: [],
          ignore: [],
          repository: name,
        },
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
    index: await HashIndex.open({ fs: ctx.fs, file: hashIndexFile(cacheDir) }),
    records: new BuildRecordStore({ fs: ctx.fs, cacheDir }),
  };
}

/** A path as the user would type it from the working directory. */
export function displayPath(ctx: CliContext, absolute: string): string {
  const relative = path.relative(ctx.cwd, absolute);
  return relative === '' ? '.' : relative.startsWith('..') ? absolute : relative;
}
