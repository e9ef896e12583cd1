import { KubeConfig } from '@kubernetes/client-node';
import { didYouMean } from '../core/did-you-mean.ts';
import { err, ok, type Result } from '../core/result.ts';
import type { FileSystem } from '../system/file-system.ts';

/**
 * Loading the kubeconfig and choosing a context. This is one of the two files
 * that import @kubernetes/client-node: the loaded `KubeConfig` is handed
 * unopened to `node-kube-client.ts`. Nothing here exposes credentials: the
 * context list carries names, server and proxy URLs only.
 */

/** A context as devloop shows it: no user, no credentials. */
export interface KubeContextInfo {
  readonly name: string;
  readonly cluster: string;
  readonly server: string | undefined;
  /** The cluster's `proxy-url`: requests, credentials included, go there first. */
  readonly proxyUrl: string | undefined;
  readonly namespace: string | undefined;
}

export type KubeconfigError =
  | { readonly reason: 'kubeconfig-not-found'; readonly files: readonly string[]; readonly message: string }
  | { readonly reason: 'kubeconfig-invalid'; readonly file: string; readonly message: string }
  | {
      readonly reason: 'kube-context-not-found';
      readonly context: string;
      readonly available: readonly string[];
      readonly message: string;
    };

/** A loaded kubeconfig: the contexts to choose from and the opaque config to build a client from. */
export interface LoadedKubeconfig {
  readonly files: readonly string[];
  readonly currentContext: string | undefined;
  readonly contexts: readonly KubeContextInfo[];
  /** Only for `createNodeKubeClient`; never print it. */
  readonly config: KubeConfig;
}

/** Reads `KUBECONFIG` (a path list, merged like kubectl) or `~/.kube/config`. */
export async function loadKubeconfig(options: {
  env: Readonly<Record<string, string | undefined>>;
  /** Overrides `KUBECONFIG`. */
  file?: string;
  fs: Pick<FileSystem, 'stat'>;
}): Promise<Result<LoadedKubeconfig, KubeconfigError>> {
  const home = options.env.HOME ?? options.env.USERPROFILE ?? '';
  const candidates = options.file
    ? [options.file]
    : options.env.KUBECONFIG
      ? options.env.KUBECONFIG.split(':').filter(Boolean)
      : [`${home}/.kube/config`];
  const files: string[] = [];
  for (const f of candidates) if ((await options.fs.stat(f))?.kind === 'file') files.push(f);
  if (files.length === 0) {
    return err({ reason: 'kubeconfig-not-found', files: candidates, message: `no kubeconfig at ${candidates.join(', ')}` });
  }
  const config = new KubeConfig();
  for (const [i, file] of files.entries()) {
    try {
      if (i === 0) {
        config.loadFromFile(file);
      } else {
        const more = new KubeConfig();
        more.loadFromFile(file);
        config.mergeConfig(more, true);
      }
    } catch (error) {
      return err({ reason: 'kubeconfig-invalid', file, message: `cannot read kubeconfig ${file}: ${firstLine(error)}` });
    }
  }
  return ok({ files, currentContext: config.getCurrentContext() || undefined, contexts: describeContexts(config), config });
}

function describeContexts(config: KubeConfig): KubeContextInfo[] {
  return config.getContexts().map((c) => ({
    name: c.name,
    cluster: c.cluster,
    server: config.getCluster(c.cluster)?.server,
    proxyUrl: config.getCluster(c.cluster)?.proxyUrl || undefined,
    namespace: c.namespace,
  }));
}

/**
 * Makes `name` the current context of a copy of the loaded config (clients
 * must be made after this), or says which contexts exist.
 */
export function selectContext(loaded: LoadedKubeconfig, name: string): Result<LoadedKubeconfig, KubeconfigError> {
  if (!loaded.contexts.some((c) => c.name === name)) {
    const available = loaded.contexts.map((c) => c.name);
    const guess = didYouMean(name, available);
    return err({
      reason: 'kube-context-not-found',
      context: name,
      available,
      message: `kube context ${name} is not in ${loaded.files.join(', ')}; ${guess ? `did you mean ${guess}? ` : ''}available: ${available.join(', ') || 'none'}`,
    });
  }
  const config = new KubeConfig();
  config.loadFromString(loaded.config.exportConfig());
  config.setCurrentContext(name);
  return ok({ ...loaded, currentContext: name, config });
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}
