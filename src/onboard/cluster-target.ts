import * as path from 'node:path';
import { parse } from 'yaml';
import type { ResolvedConfig } from '../config/resolved-config.ts';
import type { Diagnostic } from '../core/diagnostic.ts';
import { isK3dClusterName, isK3dHostname, k3dClusterNameText } from '../core/k3d-name.ts';
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

/**
 * Reads `metadata.name` and `registries.create` of a k3d config, refusing
 * names k3d would refuse; undefined when there is no such file.
 */
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
  // Both names reach the k3d command line: k3d's own rules, checked here, keep them names.
  const clusterName = k3dName(file, 'metadata.name', record(root.metadata).name, isK3dClusterName, k3dClusterNameText);
  if (clusterName && typeof clusterName !== 'string') return clusterName;
  const registryName = k3dName(file, 'registries.create.name', create.name, isK3dHostname, 'a k3d registry name (a host name)');
  if (registryName && typeof registryName !== 'string') return registryName;
  return {
    file,
    clusterName,
    registryName,
    registryPort: Number.isInteger(port) && port > 0 ? port : undefined,
  };
}

/** A name from the k3d config: absent, valid, or a diagnostic naming the file and key. */
function k3dName(
  file: string,
  keyPath: string,
  value: unknown,
  valid: (name: string) => boolean,
  rule: string,
): string | Diagnostic | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && valid(value)) return value;
  return {
    severity: 'error',
    code: 'k3d-config-invalid',
    file,
    keyPath,
    message: `${JSON.stringify(value)} is not ${rule}`,
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
