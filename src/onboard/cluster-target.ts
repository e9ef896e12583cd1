import * as path from 'node:path';
import { parse } from 'yaml';
import type { ResolvedConfig } from '../config/resolved-config.ts';
import type { Diagnostic } from '../core/diagnostic.ts';
import type { FileSystem } from '../system/file-system.ts';
import type { ClusterTarget } from './k3d-cluster.ts';
import { onboardDefaults, parseRegistryAddress } from './names.ts';

/** The k3d config file `devloop init` writes beside devloop.config.ts. */
export const k3dConfigFileName = 'k3d-cluster.yaml';

/** The fields of a k3d config file `devloop cluster` reads. */
export interface K3dConfigFacts {
  readonly file: string;
  readonly clusterName: string | undefined;
  readonly registryName: string | undefined;
  readonly registryPort: number | undefined;
}

/** Reads `metadata.name` and `registries.create` of a k3d config; undefined when there is no such file. */
export async function readK3dConfig(fs: FileSystem, file: string): Promise<K3dConfigFacts | Diagnostic | undefined> {
  if ((await fs.stat(file))?.kind !== 'file') return undefined;
  let value: unknown;
  try {
    value = parse(await fs.readText(file));
  } catch (error) {
    return {
      severity: 'error',
      code: 'k3d-config-invalid',
      file,
      message: `not valid YAML: ${String((error as Error).message).split('\n')[0]}`,
    };
  }
  const record = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {});
  const root = record(value);
  const create = record(record(root.registries).create);
  const port = Number(create.hostPort);
  return {
    file,
    clusterName: typeof record(root.metadata).name === 'string' ? (record(root.metadata).name as string) : undefined,
    registryName: typeof create.name === 'string' ? create.name : undefined,
    registryPort: Number.isInteger(port) && port > 0 ? port : undefined,
  };
}

/**
 * The cluster and registry `devloop cluster` works on: the cluster name from
 * devloop.config.ts (`cluster.k3d.name`, default `dev`); the registry from
 * `cluster.k3d.registry`, else the project's k3d-cluster.yaml, else k3d's
 * usual `k3d-registry.localhost:5000`. Notes say where names disagree.
 */
export function clusterTarget(options: { readonly config: ResolvedConfig | undefined; readonly k3dConfig: K3dConfigFacts | undefined }): {
  readonly target: ClusterTarget;
  readonly notes: readonly string[];
} {
  const { config, k3dConfig } = options;
  const notes: string[] = [];
  const name = config?.cluster.k3d.name ?? k3dConfig?.clusterName ?? 'dev';
  if (k3dConfig?.clusterName && k3dConfig.clusterName !== name) {
    notes.push(`${path.basename(k3dConfig.file)} names cluster "${k3dConfig.clusterName}"; using "${name}" from devloop.config.ts`);
  }
  const fromFile =
    k3dConfig?.registryName !== undefined ? { name: k3dConfig.registryName, port: k3dConfig.registryPort ?? 5000 } : undefined;
  const configured = config?.cluster.k3d.registry ? parseRegistryAddress(config.cluster.k3d.registry) : undefined;
  const registry = configured ??
    fromFile ??
    parseRegistryAddress(onboardDefaults.registry) ?? { name: 'k3d-registry.localhost', port: 5000 };
  if (configured && fromFile && (configured.name !== fromFile.name || configured.port !== fromFile.port)) {
    notes.push(
      `${path.basename(k3dConfig?.file ?? k3dConfigFileName)} creates registry ${fromFile.name}:${fromFile.port} but cluster.k3d.registry is ${configured.name}:${configured.port}`,
    );
  }
  return { target: { name, registry }, notes };
}
