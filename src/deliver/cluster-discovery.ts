import { parseImageRef } from '../core/image-ref.ts';
import type { Result } from '../core/result.ts';
import type { K3dCli, K3dCluster, K3dRegistry } from './k3d-cli.ts';
import { type KubeContextDescription, k3dClusterOfContext } from './local-context.ts';
import type { RegistryClient, RegistryFailure } from './registry-client.ts';
import { LOCAL_REGISTRY_HOSTING, type LocalRegistryHosting, parseLocalRegistryHosting } from './registry-hosting.ts';

/**
 * Reads one ConfigMap's data. The k8s adapter implements it; undefined when
 * the ConfigMap does not exist.
 */
export interface ConfigMapReader {
  readConfigMap(
    namespace: string,
    name: string,
  ): Promise<Result<Readonly<Record<string, string>> | undefined, { readonly message: string }>>;
}

/** The registry images are pushed to, as the host and as the nodes name it. */
export interface RegistryInfo {
  /** Where `docker push` sends images, e.g. `localhost:5000`. */
  readonly pushHost: string;
  /** What manifests name, so nodes can pull, e.g. `k3d-registry.localhost:5000`. */
  readonly pullHost: string;
  readonly source: 'config' | 'configmap' | 'k3d';
  /** The k3d registry container behind it, when k3d knows it. */
  readonly k3dRegistry: { readonly name: string; readonly running: boolean } | undefined;
  /** Set when discovery probed the push host. */
  readonly probe: { readonly ok: true } | { readonly ok: false; readonly failure: RegistryFailure } | undefined;
  readonly help: string | undefined;
}

/**
 * What devloop knows about the target cluster, gathered once: for delivery
 * decisions, and for doctor and the UI to show.
 */
export interface ClusterInfo {
  readonly context: KubeContextDescription;
  /** The k3d cluster name (from a `k3d-<name>` context, else the configured name). */
  readonly clusterName: string | undefined;
  readonly k3d:
    | { readonly installed: false }
    | { readonly installed: true; readonly version: string | undefined; readonly error: string | undefined };
  /** The cluster as k3d lists it; undefined when k3d is missing or does not know it. */
  readonly cluster: K3dCluster | undefined;
  /** Every cluster k3d knows, for "did you mean". */
  readonly knownClusters: readonly string[];
  readonly registry: RegistryInfo | undefined;
  /** Things worth showing that did not stop discovery (an unreadable ConfigMap, …). */
  readonly notes: readonly string[];
}

export interface DiscoverClusterOptions {
  readonly context: KubeContextDescription;
  /** `cluster.k3d.name`, used when the context is not `k3d-<name>`. */
  readonly k3dName?: string | undefined;
  /** `cluster.k3d.registry`: an explicit push host that wins over discovery. */
  readonly configuredRegistry?: string | undefined;
  readonly configMaps: ConfigMapReader;
  readonly k3d: K3dCli;
  /** When given, the push host is probed and the answer recorded. */
  readonly registryClient?: RegistryClient;
  /**
   * Ask the k3d CLI only when the cluster's `local-registry-hosting`
   * ConfigMap names no registry: deliveries then push and need nothing from
   * k3d, and starting it three times costs the first pass a few hundred ms.
   */
  readonly k3dOnlyWithoutRegistry?: boolean;
}

/**
 * Finds the cluster's k3d state and registry from the kube context, the
 * `local-registry-hosting` ConfigMap and the k3d CLI. Never fails: what it
 * cannot learn is left undefined and explained in `notes`; the delivery
 * choice turns gaps into errors when they matter.
 */
export async function discoverCluster(options: DiscoverClusterOptions): Promise<ClusterInfo> {
  const notes: string[] = [];
  const clusterName = k3dClusterOfContext(options.context.name) ?? options.k3dName;

  const reading = options.configMaps.readConfigMap(LOCAL_REGISTRY_HOSTING.namespace, LOCAL_REGISTRY_HOSTING.name);
  const askK3d = () => Promise.all([options.k3d.version(), options.k3d.clusters(), options.k3d.registries()]);
  const asking = options.k3dOnlyWithoutRegistry ? undefined : askK3d();
  const hostingRead = await reading;

  let hosting: LocalRegistryHosting | undefined;
  if (!hostingRead.ok) notes.push(`could not read ConfigMap kube-public/local-registry-hosting: ${hostingRead.error.message}`);
  else if (hostingRead.value) {
    hosting = parseLocalRegistryHosting(hostingRead.value);
    if (!hosting) notes.push('ConfigMap kube-public/local-registry-hosting has no usable host');
  }
  if (!asking && hosting) {
    notes.push('k3d not asked: the cluster names its registry');
    const registry = pickRegistry({ configured: options.configuredRegistry, hosting, registries: [], clusterName });
    return {
      context: options.context,
      clusterName,
      k3d: { installed: true, version: undefined, error: undefined },
      cluster: undefined,
      knownClusters: [],
      registry: registry && options.registryClient ? await probed(registry, options.registryClient) : registry,
      notes,
    };
  }
  const [version, clusters, registries] = await (asking ?? askK3d());

  const installed = !(version.ok === false && version.error.reason === 'k3d-not-installed');
  let k3dError: string | undefined;
  for (const r of [version, clusters, registries]) if (!r.ok && r.error.reason === 'k3d-failed') k3dError ??= r.error.detail;
  if (k3dError) notes.push(`k3d failed: ${k3dError}`);

  const clusterList = clusters.ok ? clusters.value : [];
  const cluster = clusterList.find((c) => c.name === clusterName);
  const registryList = registries.ok ? registries.value : [];

  let registry = pickRegistry({
    configured: options.configuredRegistry,
    hosting,
    registries: registryList,
    clusterName,
  });
  if (registry && options.registryClient) registry = await probed(registry, options.registryClient);

  return {
    context: options.context,
    clusterName,
    k3d: installed ? { installed: true, version: version.ok ? version.value : undefined, error: k3dError } : { installed: false },
    cluster,
    knownClusters: clusterList.map((c) => c.name),
    registry,
    notes,
  };
}

/** The registry with the answer of a `GET /v2/` to its push host. */
async function probed(registry: RegistryInfo, client: RegistryClient): Promise<RegistryInfo> {
  const probe = await client.ping(registry.pushHost);
  return { ...registry, probe: probe.ok ? { ok: true } : { ok: false, failure: probe.error } };
}

/**
 * The registry precedence: the config's explicit host, then the
 * ConfigMap, then a k3d registry created with this cluster. The pull name
 * comes from the ConfigMap or the k3d registry's container name.
 */
export function pickRegistry(options: {
  readonly configured: string | undefined;
  readonly hosting: LocalRegistryHosting | undefined;
  readonly registries: readonly K3dRegistry[];
  readonly clusterName: string | undefined;
}): RegistryInfo | undefined {
  const { configured, hosting, registries, clusterName } = options;
  const byName = (host: string | undefined): K3dRegistry | undefined => {
    if (!host) return undefined;
    const name = hostOnly(host);
    return registries.find((r) => r.name === name);
  };
  const info = (pushHost: string, pullHost: string, source: RegistryInfo['source'], k3dReg: K3dRegistry | undefined): RegistryInfo => ({
    pushHost,
    pullHost,
    source,
    k3dRegistry: k3dReg ? { name: k3dReg.name, running: k3dReg.running } : undefined,
    probe: undefined,
    help: hosting?.help,
  });

  if (configured) {
    if (hosting?.host === configured)
      return info(configured, hosting.hostFromContainerRuntime ?? configured, 'config', byName(hosting.hostFromContainerRuntime));
    const named = byName(configured) ?? registries.find((r) => r.hostPort !== undefined && portOf(configured) === r.hostPort);
    return info(configured, named ? `${named.name}:5000` : configured, 'config', named);
  }
  if (hosting?.host) {
    const pull = hosting.hostFromContainerRuntime ?? hosting.host;
    return info(hosting.host, pull, 'configmap', byName(pull));
  }
  const own = registries.find((r) => clusterName !== undefined && r.cluster === clusterName && r.hostPort);
  if (own?.hostPort) {
    const ip = own.hostIp && own.hostIp !== '0.0.0.0' && own.hostIp !== '::' ? own.hostIp : 'localhost';
    return info(`${ip}:${own.hostPort}`, `${own.name}:5000`, 'k3d', own);
  }
  return undefined;
}

function hostOnly(host: string): string {
  const authority = parseImageRef(`${host}/x`).registry ?? host;
  return authority.replace(/:\d+$/, '');
}

function portOf(host: string): string | undefined {
  return /:(\d+)(\/|$)/.exec(host)?.[1];
}
