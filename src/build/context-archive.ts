import * as path from 'node:path';
import { dockerignoreName } from '../core/docker-ignore-files.ts';
import type { FileSystem } from '../system/file-system.ts';
import { type TarEntry, tarArchive } from '../system/tar-archive.ts';
import { loadBuildContext } from './build-context-files.ts';

/** Up to this many files and bytes a context goes to the engine in one request; a bigger one goes by buildx's file sync, which sends only what changed. */
export const engineContextLimits = { files: 2000, bytes: 32 * 1024 * 1024 } as const;

/** A build context as one tar, and the Dockerfile's path in it. */
export interface ContextArchive {
  readonly archive: Uint8Array;
  readonly dockerfile: string;
  readonly files: number;
}

/**
 * The files of a build context the ignore file lets through, as a tar the
 * Engine API's build endpoint takes — or undefined when this context should
 * not go that way: bigger than `engineContextLimits`, a symbolic link or
 * special file in it, a Dockerfile outside the context or ignored by it, or
 * a Dockerfile-specific ignore file (the engine would read `.dockerignore`).
 */
export async function contextArchive(
  fs: FileSystem,
  request: { readonly context: string; readonly dockerfile: string },
  limits: { readonly files: number; readonly bytes: number } = engineContextLimits,
): Promise<ContextArchive | undefined> {
  const context = await loadBuildContext(fs, { dir: request.context, dockerfile: request.dockerfile });
  if (context.ignoreFile !== undefined && context.ignoreFile !== path.join(request.context, dockerignoreName)) return undefined;
  if (context.dockerfile === undefined || !context.inContext(context.dockerfile)) return undefined;
  const entries: TarEntry[] = [];
  let bytes = 0;
  let files = 0;
  const walk = async (dir: string, relative: string): Promise<boolean> => {
    for (const entry of (await fs.readDir(dir)).sort((a, b) => a.name.localeCompare(b.name))) {
      const rel = relative ? `${relative}/${entry.name}` : entry.name;
      const full = path.join(dir, entry.name);
      const included = context.inContext(rel);
      if (entry.kind === 'directory') {
        if (!included && !context.hasExceptions) continue;
        const stat = await fs.stat(full);
        if (included) entries.push({ path: rel, content: new Uint8Array(), mode: stat?.mode ?? 0o755, directory: true });
        if (!(await walk(full, rel))) return false;
        continue;
      }
      if (!included) continue;
      if (entry.kind !== 'file') return false;
      const stat = await fs.stat(full);
      if (stat?.kind !== 'file') return false;
      files++;
      bytes += stat.size;
      if (files > limits.files || bytes > limits.bytes) return false;
      entries.push({ path: rel, content: await fs.readBytes(full), mode: stat.mode });
    }
    return true;
  };
  if (!(await walk(request.context, ''))) return undefined;
  // A fixed time: the archive of an unchanged context is the same bytes.
  return { archive: tarArchive(entries, new Date(0)), dockerfile: context.dockerfile, files };
}
