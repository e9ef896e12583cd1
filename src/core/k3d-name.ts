/**
 * k3d's own rule for cluster names (k3d `pkg/client/clusterName.go`,
 * `CheckName`): an RFC 1123 host name of at most 32 characters, so the node
 * and container names k3d derives from it stay valid. A name that passes can
 * never start with `-`, so it can never be read as a flag of the k3d CLI.
 */
export const k3dClusterNamePattern =
  /^(?=.{1,32}$)(([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])\.)*([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])$/;

/** How the rule reads in an error message. */
export const k3dClusterNameText =
  'a k3d cluster name: letters, digits and "-" (dots between parts), starting and ending with a letter or digit, at most 32 characters';

/**
 * k3d's rule for other node names, registries among them (RFC 1123 host
 * names, `ValidateHostname`): the cluster rule without its length limit.
 */
export const k3dHostnamePattern =
  /^(([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])\.)*([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])$/;

/** True when k3d would accept `name` as a cluster name. */
export function isK3dClusterName(name: string): boolean {
  return k3dClusterNamePattern.test(name);
}

/** True when k3d would accept `name` as a registry (node) name. */
export function isK3dHostname(name: string): boolean {
  return name.length <= 253 && k3dHostnamePattern.test(name);
}
