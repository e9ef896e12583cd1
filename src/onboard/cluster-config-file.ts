import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { FileSystem } from '../system/file-system.ts';
import type { ClusterTarget } from './k3d-cluster.ts';
import { renderTemplate, templatesDir } from './templates.ts';

/**
 * The k3d config file `devloop cluster create` creates the cluster from: the
 * project's own (relative to `cwd`, as the user would type it), or devloop's
 * template filled in for the target, in a temporary file that `dispose` removes.
 */
export async function clusterConfigFile(
  fs: FileSystem,
  options: { readonly target: ClusterTarget; readonly projectFile: string | undefined; readonly cwd: string },
): Promise<{ file: string; dispose(): Promise<void> }> {
  const { target, projectFile } = options;
  if (projectFile) return { file: path.relative(options.cwd, projectFile) || projectFile, dispose: async () => undefined };
  const text = await fs.readText(path.join(templatesDir(), 'k3d-cluster.yaml'));
  const temporary = path.join(tmpdir(), `devloop-k3d-${target.name}-${process.pid}.yaml`);
  await fs.writeTextAtomic(
    temporary,
    renderTemplate(text, {
      name: target.name,
      cluster: target.name,
      registryName: target.registry.name,
      registryPort: target.registry.port,
    }),
  );
  return { file: temporary, dispose: () => fs.remove(temporary) };
}
