import * as path from 'node:path';
import { BuildRecordStore } from '../build/build-record.ts';
import { DockerBuilder } from '../build/docker-builder.ts';
import { cacheDirectory, HashIndex, hashIndexFile } from '../build/hash-index.ts';
import { findSecrets } from '../build/lints/lint-image.ts';
import type { ResolvedConfig } from '../config/resolved-config.ts';
import type { Diagnostic } from '../core/diagnostic.ts';
import { err, ok, type Result } from '../core/result.ts';
import { K3dCli } from '../deliver/k3d-cli.ts';
import { DockerExecNodeImageLister } from '../deliver/node-image-lister.ts';
import { FetchRegistryClient } from '../deliver/registry-client.ts';
import type { LoopModel, LoopResource } from '../engine/loop-model.ts';
import type { BuildContext } from '../graph/build-context.ts';
import { createBuildContext } from '../graph/build-context.ts';
import type { KubeClient } from '../k8s/kube-client.ts';
import type { KubeObject } from '../k8s/kube-types.ts';
import { loadKubeconfig, selectContext } from '../k8s/kubeconfig.ts';
import { injectImages, loadManifests } from '../k8s/manifests.ts';
import { NodeKubeClient } from '../k8s/node-kube-client.ts';
import { globToRegExp } from '../watch/watch-filter.ts';
import { ClusterDeliverer } from './adapters/cluster-deliverer.ts';
import { DockerImages } from './adapters/docker-images.ts';
import { KubeDeployer } from './adapters/kube-deployer.ts';
import { KubeLogFollower } from './adapters/kube-log-follower.ts';
import type { CliContext } from './cli-context.ts';

/** Everything one configuration needs to run the loop: the real adapters, wired. */
export interface Session {
  readonly config: ResolvedConfig;
  readonly client: KubeClient;
  readonly objects: readonly KubeObject[];
  readonly model: LoopModel;
  readonly images: DockerImages;
  readonly deliverer: ClusterDeliverer;
  readonly deployer: KubeDeployer;
  readonly logFollower: KubeLogFollower;
  readonly contexts: readonly BuildContext[];
  readonly index: HashIndex;
}

/** Why a session could not be opened; `usage` ones are the user's input (exit 2). */
export interface SessionError {
  readonly kind: 'usage' | 'failure';
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Opens the kubeconfig at the configured context, reads the manifests, and
 * wires build, delivery and Kubernetes adapters. Nothing is built, pushed or
 * applied here.
 */
export async function openSession(
  ctx: CliContext,
  config: ResolvedConfig,
  notice: (message: string) => void,
): Promise<Result<Session, SessionError>> {
  const usage = (diagnostics: Diagnostic[]) => err<SessionError>({ kind: 'usage', diagnostics });
  const kube = await loadKubeconfig({ env: ctx.env, fs: ctx.fs });
  if (!kube.ok) {
    return usage([
      {
        severity: 'error',
        code: kube.error.reason,
        message: kube.error.message,
        hint: 'create a cluster (`k3d cluster create dev`) or set KUBECONFIG',
      },
    ]);
  }
  const selected = selectContext(kube.value, config.cluster.context);
  if (!selected.ok) {
    return usage([
      {
        severity: 'error',
        code: selected.error.reason,
        keyPath: 'cluster.context',
        file: config.configFile,
        message: selected.error.message,
        hint: 'set cluster.context (or cluster.k3d.name) in devloop.config.ts, DEVLOOP_CONTEXT or --context',
      },
    ]);
  }
  const context = selected.value.contexts.find((c) => c.name === config.cluster.context);
  const client = new NodeKubeClient({ config: selected.value.config });

  const manifests = await loadManifests(ctx.fs, { rootDir: config.rootDir, patterns: config.manifests });
  const manifestErrors = manifests.diagnostics.filter((d) => d.severity === 'error');
  if (manifestErrors.length) {
    return usage(manifestErrors.map((d) => ({ ...d, file: d.file ? path.resolve(config.rootDir, d.file) : config.configFile })));
  }

  const objects = manifests.objects.map((m) => m.object);
  const cacheDir = cacheDirectory({ projectRoot: config.rootDir, env: ctx.env });
  const index = await HashIndex.open({ fs: ctx.fs, file: hashIndexFile(cacheDir) });
  const docker = new DockerBuilder({ runner: ctx.runner });
  const images = new DockerImages({ config, fs: ctx.fs, index, docker, records: new BuildRecordStore({ fs: ctx.fs, cacheDir }) });
  const importedImages = new Set<string>();
  const lister = new DockerExecNodeImageLister({ runner: ctx.runner });
  const deliverer = new ClusterDeliverer({
    config,
    context: { name: config.cluster.context, server: context?.server },
    runner: ctx.runner,
    registry: new FetchRegistryClient(),
    lister,
    configMaps: client,
    k3d: new K3dCli({ runner: ctx.runner }),
    importedImages,
  });
  const deployer = new KubeDeployer({ client, config, objects, importedImages });
  const logFollower = new KubeLogFollower({ client, config, objects, notice });

  const contexts: BuildContext[] = [];
  for (const image of Object.values(config.images)) {
    const dockerignore = await ctx.fs.readText(path.join(image.context, '.dockerignore')).catch(() => undefined);
    const buildContext = createBuildContext({ dir: image.context, dockerfile: image.dockerfile, dockerignore, extraIgnore: image.ignore });
    contexts.push(buildContext);
    for (const secret of await findSecrets(ctx.fs, buildContext).catch(() => [])) {
      const shown = path.relative(config.rootDir, path.join(image.context, secret.path)) || secret.path;
      notice(
        `warning secrets-in-context: ${shown} (${secret.what}) is in the build context of ${image.name} and not ignored; add it to .dockerignore`,
      );
    }
  }
  const manifestMatchers = config.manifests.map((m) => globToRegExp(path.resolve(config.rootDir, m)));
  const model: LoopModel = {
    resources: loopResources(config, objects),
    imageDependencies: Object.fromEntries(Object.values(config.images).map((i) => [i.name, i.dependsOn])),
    buildConcurrency: config.build.concurrency,
    isManifest: (file) => manifestMatchers.some((m) => m.test(file)),
  };
  return ok({ config, client, objects, model, images, deliverer, deployer, logFollower, contexts, index });
}

/** The images each resource runs: its container map, or the devloop images its workload's containers name. */
export function loopResources(config: ResolvedConfig, objects: readonly KubeObject[]): LoopResource[] {
  const all = Object.values(config.images).map((i) => ({ name: i.name, repository: i.repository, ref: i.name }));
  return Object.values(config.resources).map((r) => {
    let images = [...new Set(Object.values(r.containers))];
    if (images.length === 0) {
      const workload = objects.find((o) => o.kind === r.workload.kind && o.metadata.name === r.workload.name);
      if (workload) {
        const { injected } = injectImages([workload], { images: all });
        images = [...new Set(injected.map((i) => i.image))];
      }
    }
    return { name: r.name, images, dependsOn: r.dependsOn, trigger: r.trigger };
  });
}
