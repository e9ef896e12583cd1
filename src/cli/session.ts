import * as path from 'node:path';
import { loadBuildContext } from '../build/build-context-files.ts';
import { BuildRecordStore } from '../build/build-record.ts';
import type { DockerBuilder } from '../build/docker-builder.ts';
import { DockerImages } from '../build/docker-images.ts';
import { cacheDirectory, HashIndex, hashIndexFile } from '../build/hash-index.ts';
import { contextSecretWarnings } from '../build/lints/context-secrets.ts';
import { machineBuilder } from '../build/machine-builder.ts';
import { LiveUpdatePlanner } from '../build/sync-planner.ts';
import type { ResolvedConfig } from '../config/resolved-config.ts';
import type { WorkloadKind } from '../config/types.ts';
import type { Diagnostic } from '../core/diagnostic.ts';
import { didYouMean } from '../core/did-you-mean.ts';
import { err, ok, type Result } from '../core/result.ts';
import { unreachable } from '../core/unreachable.ts';
import { ClusterDeliverer } from '../deliver/cluster-deliverer.ts';
import { K3dCli } from '../deliver/k3d-cli.ts';
import { DockerExecNodeImageLister } from '../deliver/node-image-lister.ts';
import { FetchRegistryClient } from '../deliver/registry-client.ts';
import type { LoopModel, LoopResource } from '../engine/loop-model.ts';
import type { ComponentProbe, LogFollower } from '../engine/ports.ts';
import type { BuildContext } from '../graph/build-context.ts';
import type { KubeClient } from '../k8s/kube-client.ts';
import { KubeDeployer } from '../k8s/kube-deployer.ts';
import { KubeLiveUpdater } from '../k8s/kube-live-updater.ts';
import { KubeLogFollower } from '../k8s/kube-log-follower.ts';
import type { KubeObject } from '../k8s/kube-types.ts';
import { resourcesFromManifests, unknownDependencies } from '../k8s/manifest-resources.ts';
import { loadManifestSources, manifestWatchPatterns } from '../k8s/render-manifests.ts';
import { ResourceForwards } from '../k8s/resource-forwards.ts';
import { imagesOfResource } from '../k8s/resource-workload.ts';
import { HostLocalRunner } from '../local/host-local-runner.ts';
import { openConfiguredContext } from '../onboard/configured-context.ts';
import { dnsLookup } from '../system/host-lookup.ts';
import { globToRegExp } from '../watch/watch-filter.ts';
import type { CliContext } from './cli-context.ts';
import { loopLocals } from './local-model.ts';

/** Everything one configuration needs to run the loop: the real modules, wired. */
export interface Session {
  readonly config: ResolvedConfig;
  readonly client: KubeClient;
  readonly objects: readonly KubeObject[];
  readonly model: LoopModel;
  readonly images: DockerImages;
  readonly deliverer: ClusterDeliverer;
  readonly deployer: KubeDeployer;
  /** The resources' pod logs and their port forwards, both following pods by label. */
  readonly logFollower: LogFollower;
  /** Live update: which changes may be copied into running containers, and the copying. */
  readonly syncPlanner: LiveUpdatePlanner;
  readonly liveUpdater: KubeLiveUpdater;
  /** Asks the registry, Docker or the API server whether it answers again, for work held while it was down. */
  readonly probe: ComponentProbe;
  readonly contexts: readonly BuildContext[];
  readonly index: HashIndex;
  /** What to watch for manifest edits: the globs, and the files of each chart and overlay. */
  readonly manifestPatterns: readonly string[];
  /** Runs the `local` commands on this machine. */
  readonly localRunner: HostLocalRunner;
}

/** Why a session could not be opened; `usage` ones are the user's input (exit 2). */
export interface SessionError {
  readonly kind: 'usage' | 'failure';
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Opens the kubeconfig at the configured context, reads the manifests, and
 * wires the build, delivery and Kubernetes modules. Nothing is built, pushed or
 * applied here.
 */
export async function openSession(
  ctx: CliContext,
  configured: ResolvedConfig,
  notice: (message: string) => void,
): Promise<Result<Session, SessionError>> {
  const usage = (diagnostics: Diagnostic[]) => err<SessionError>({ kind: 'usage', diagnostics });
  const opened = await openConfiguredContext({ fs: ctx.fs, env: ctx.env, lookup: dnsLookup() }, configured);
  if (!opened.ok) return usage([opened.error]);
  const { client, context, verdict } = opened.value;

  const manifests = await loadManifestSources(ctx.fs, ctx.runner, {
    rootDir: configured.rootDir,
    sources: configured.manifests,
    signal: ctx.signal,
  });
  const manifestErrors = manifests.diagnostics.filter((d) => d.severity === 'error');
  if (manifestErrors.length) {
    return usage(manifestErrors.map((d) => ({ ...d, file: d.file ? path.resolve(configured.rootDir, d.file) : configured.configFile })));
  }

  const objects = manifests.objects.map((m) => m.object);
  const config = withManifestResources(configured, objects);
  const unknown = dependencyDiagnostics(config);
  if (unknown.length) return usage(unknown);
  const cacheDir = cacheDirectory({ projectRoot: config.rootDir, env: ctx.env });
  const index = await HashIndex.open({ fs: ctx.fs, file: hashIndexFile(cacheDir), hasher: ctx.fileHasher?.() });
  const docker = await machineBuilder({ runner: ctx.runner, fs: ctx.fs, env: ctx.env });
  docker.prefetch(Object.values(config.images).map((image) => image.repository));
  const images = new DockerImages({
    config,
    fs: ctx.fs,
    env: ctx.env,
    index,
    docker,
    records: new BuildRecordStore({ fs: ctx.fs, cacheDir }),
    // Built under the registry name too, so a push needs no `docker tag` (the deliverer is made below; asked only when building).
    alsoTag: (image, tag) => {
      const pushRef = deliverer.pushReference(image, tag);
      return pushRef ? [pushRef] : [];
    },
  });
  const importedImages = new Set<string>();
  const lister = new DockerExecNodeImageLister({ runner: ctx.runner });
  const deliverer = new ClusterDeliverer({
    config,
    context,
    verdict,
    runner: ctx.runner,
    registry: new FetchRegistryClient(),
    lister,
    configMaps: client,
    k3d: new K3dCli({ runner: ctx.runner }),
    importedImages,
  });
  const files = new Map(manifests.objects.map((m) => [m.object, m.file]));
  const deployer = new KubeDeployer({ client, config, objects, importedImages, files, notice });
  const logs = new KubeLogFollower({ client, config, objects });
  const forwards = new ResourceForwards({ client, config, objects, notice });
  const logFollower: LogFollower = {
    follow: (resource, onLine) => {
      logs.follow(resource, onLine);
      forwards.open(resource);
    },
    stopAll: () => {
      logs.stopAll();
      forwards.stopAll();
    },
  };

  const contexts: BuildContext[] = [];
  for (const image of Object.values(config.images)) {
    const buildContext = await loadBuildContext(ctx.fs, { dir: image.context, dockerfile: image.dockerfile, extraIgnore: image.ignore });
    contexts.push(buildContext);
    for (const warning of await contextSecretWarnings(ctx.fs, { image: image.name, context: buildContext, rootDir: config.rootDir })) {
      notice(warning);
    }
  }
  const manifestPatterns = await manifestWatchPatterns(ctx.fs, config.manifests);
  const manifestMatchers = manifestPatterns.map((m) => globToRegExp(path.resolve(config.rootDir, m)));
  const model: LoopModel = {
    resources: loopResources(config, objects),
    imageDependencies: Object.fromEntries(Object.values(config.images).map((i) => [i.name, i.dependsOn])),
    buildConcurrency: config.build.concurrency,
    isManifest: (file) => manifestMatchers.some((m) => m.test(file)),
    locals: loopLocals(config),
  };
  const probe = componentProbe({ docker, deliverer, deployer });
  const syncPlanner = new LiveUpdatePlanner({ config, latestPlan: (image) => images.latestPlan(image) });
  const liveUpdater = new KubeLiveUpdater({ client, config, objects, fs: ctx.fs });
  return ok({
    config,
    client,
    objects,
    model,
    images,
    deliverer,
    deployer,
    logFollower,
    syncPlanner,
    liveUpdater,
    probe,
    contexts,
    index,
    manifestPatterns,
    localRunner: new HostLocalRunner({ commands: config.local, runner: ctx.runner, fs: ctx.fs }),
  });
}

/** The configured resources plus one per workload of the manifests that none claims. */
function withManifestResources(config: ResolvedConfig, objects: readonly KubeObject[]): ResolvedConfig {
  const resources = resourcesFromManifests(config.resources, objects, (name, workload) => ({
    name,
    workload: { kind: workload.kind as WorkloadKind, name: workload.name },
    containers: {},
    dependsOn: [],
    portForwards: [],
    trigger: 'auto' as const,
  }));
  return { ...config, resources };
}

/** Every `dependsOn` of a resource or local command that names nothing the session has (the manifests' workloads included). */
export function dependencyDiagnostics(config: ResolvedConfig): Diagnostic[] {
  return unknownDependencies({ ...config.resources, ...config.local }).map((u) => unknownDependency(config, u));
}

function unknownDependency(config: ResolvedConfig, u: { resource: string; index: number; name: string }): Diagnostic {
  const known = [...Object.keys(config.resources), ...Object.keys(config.local)];
  const guess = didYouMean(u.name, known);
  return {
    severity: 'error',
    code: 'config-unknown-dependency',
    file: config.configFile,
    keyPath: `${u.resource in config.local ? 'local' : 'resources'}.${u.resource}.dependsOn[${u.index}]`,
    message: `unknown dependency "${u.name}": no resource or local command is configured by that name and no workload of the manifests has it`,
    ...(guess ? { hint: `did you mean "${guess}"?` } : known.length ? { hint: `known: ${known.join(', ')}` } : {}),
  };
}

/** The images each resource runs: its container map, or the devloop images its workload's containers name. */
export function loopResources(config: ResolvedConfig, objects: readonly KubeObject[]): LoopResource[] {
  return Object.values(config.resources).map((r) => ({
    name: r.name,
    images: imagesOfResource(r, objects, config.images),
    dependsOn: r.dependsOn,
    trigger: r.trigger,
  }));
}

/**
 * Asks exactly what a failed step asked: the push registry through the
 * deliverer, the Docker engine the builds use, the API server of the
 * configured context through the deployer.
 */
function componentProbe(parts: { docker: DockerBuilder; deliverer: ClusterDeliverer; deployer: KubeDeployer }): ComponentProbe {
  return {
    answers: (component, signal) => {
      switch (component) {
        case 'registry':
          return parts.deliverer.registryAnswers();
        case 'docker':
          return parts.docker.answers(signal);
        case 'kube-api':
          return parts.deployer.apiAnswers();
        default:
          return unreachable(component);
      }
    },
  };
}
