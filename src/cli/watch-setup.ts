import { loadBuildContext } from '../build/build-context-files.ts';
import type { ResolvedConfig } from '../config/resolved-config.ts';
import { manifestWatchPatterns } from '../k8s/render-manifests.ts';
import type { FileSystem } from '../system/file-system.ts';
import { createWatchFilter, type WatchFilter, watchRoots } from '../watch/watch-filter.ts';

/**
 * The watcher's roots and ignore function for a config, as `devloop up`
 * watches: for `devloop doctor` to count what would be watched, and for the
 * scale benchmark's plan-only loop.
 */
export async function watchSetup(fs: FileSystem, config: ResolvedConfig): Promise<{ roots: string[]; ignored: WatchFilter }> {
  const contexts = [];
  for (const image of Object.values(config.images)) {
    contexts.push(await loadBuildContext(fs, { dir: image.context, dockerfile: image.dockerfile, extraIgnore: image.ignore }));
  }
  const input = {
    rootDir: config.rootDir,
    contexts,
    configFiles: [config.configFile, ...(config.localFile ? [config.localFile] : [])],
    manifests: await manifestWatchPatterns(fs, config.manifests),
    ignore: config.watch.ignore,
  };
  return { roots: watchRoots(input), ignored: createWatchFilter(input) };
}
