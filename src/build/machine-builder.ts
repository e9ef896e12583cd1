import type { FileSystem } from '../system/file-system.ts';
import type { ProcessRunner } from '../system/process-runner.ts';
import { findBuildxPlugin } from './buildx-plugin.ts';
import { DockerBuilder } from './docker-builder.ts';
import { engineSocket } from './engine-socket.ts';

/**
 * The builder for this machine: BuildKit through the buildx plugin when
 * docker has it (small contexts straight to the engine's own BuildKit when
 * its socket is known), the classic builder otherwise.
 */
export async function machineBuilder(options: {
  readonly runner: ProcessRunner;
  readonly fs: FileSystem;
  readonly env: Readonly<Record<string, string | undefined>>;
}): Promise<DockerBuilder> {
  const { runner, fs, env } = options;
  const socketPath = await engineSocket({ fs, env }).catch(() => undefined);
  return new DockerBuilder({
    runner,
    findBuildx: () => findBuildxPlugin({ fs, env }),
    ...(socketPath ? { engine: { socketPath, fs } } : {}),
  });
}
