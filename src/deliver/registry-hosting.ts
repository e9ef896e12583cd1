import { parse } from 'yaml';

/**
 * The KEP-1755 `kube-public/local-registry-hosting` ConfigMap, which k3d,
 * kind and others write so tools know where to push (`host`) and what name
 * the nodes pull by (`hostFromContainerRuntime`). Written once at cluster
 * creation, so it may be stale: discovery verifies it.
 */
export interface LocalRegistryHosting {
  readonly host: string | undefined;
  readonly hostFromContainerRuntime: string | undefined;
  readonly hostFromClusterNetwork: string | undefined;
  readonly help: string | undefined;
}

/** Where the ConfigMap lives and its data key. */
export const LOCAL_REGISTRY_HOSTING = {
  namespace: 'kube-public',
  name: 'local-registry-hosting',
  key: 'localRegistryHosting.v1',
} as const;

/**
 * Reads the ConfigMap's data. Undefined when it has no usable `host`; a
 * malformed YAML string is treated the same (the ConfigMap is advisory).
 */
export function parseLocalRegistryHosting(data: Readonly<Record<string, string>>): LocalRegistryHosting | undefined {
  const text = data[LOCAL_REGISTRY_HOSTING.key];
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  const field = (key: string): string | undefined => {
    const v = record[key];
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
  };
  const hosting: LocalRegistryHosting = {
    host: field('host'),
    hostFromContainerRuntime: field('hostFromContainerRuntime'),
    hostFromClusterNetwork: field('hostFromClusterNetwork'),
    help: field('help'),
  };
  return hosting.host === undefined ? undefined : hosting;
}
