import * as path from 'node:path';
import type { Diagnostic } from '../core/diagnostic.ts';
import { didYouMean } from '../core/did-you-mean.ts';
import { isOutside } from '../core/paths.ts';
import type { FileSystem } from '../system/file-system.ts';
import { checkLocalCommands } from './check-local-commands.ts';
import { checkManifestSources } from './check-manifest-sources.ts';
import type { ResolvedConfig, ResolvedImage } from './resolved-config.ts';
import type { FileOf } from './schema.ts';
import { unreadableBuildFile } from './unreadable-build-file.ts';

const followedKinds: readonly string[] = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Pod'];
/**
 * Checks that need the whole config or the disk: references to unknown images
 * and resources, dependency cycles, directories and Dockerfiles that do not
 * exist, ports used twice. Runs before anything touches Docker or a cluster.
 */
export async function crossCheck(config: ResolvedConfig, fileOf: FileOf, fs: FileSystem): Promise<Diagnostic[]> {
  const out: Diagnostic[] = [];
  const error = (keyPath: string, code: string, message: string, hint?: string) =>
    out.push({ severity: 'error', code, message, keyPath, file: fileOf(keyPath), ...(hint ? { hint } : {}) });
  const imageNames = Object.keys(config.images);
  const unknown = (kind: string, name: string, known: string[]) => {
    const guess = didYouMean(name, known);
    return {
      message: `unknown ${kind} "${name}"`,
      hint: guess ? `did you mean "${guess}"?` : known.length ? `known ${kind}s: ${known.join(', ')}` : `no ${kind}s are defined`,
    };
  };

  for (const image of Object.values(config.images)) {
    image.dependsOn.forEach((dep, i) => {
      if (!config.images[dep]) {
        const u = unknown('image', dep, imageNames);
        error(`images.${image.name}.dependsOn[${i}]`, 'config-unknown-image', u.message, u.hint);
      }
    });
    const problem = await buildInputProblem(config.rootDir, image, fs);
    if (problem) error(`images.${image.name}.${problem.key}`, problem.code, problem.message, problem.hint);
  }

  const usedPorts = new Map<number, string>();
  for (const resource of Object.values(config.resources)) {
    // A dependency may also be a workload of the manifests, which become resources once they are rendered: checked then.
    const { kind, imagePaths } = resource.workload;
    if (!followedKinds.includes(kind) && !imagePaths?.length) {
      error(
        `resources.${resource.name}.workload.kind`,
        'config-invalid-value',
        `devloop does not know how ${kind} runs pods`,
        `use one of ${followedKinds.join(', ')}, or for a custom resource say where its images are: imagePaths: ['spec.…image']`,
      );
    }
    for (const [container, image] of Object.entries(resource.containers)) {
      if (!config.images[image]) {
        const u = unknown('image', image, imageNames);
        error(`resources.${resource.name}.containers.${container}`, 'config-unknown-image', u.message, u.hint);
      }
    }
    resource.portForwards.forEach((forward, i) => {
      const keyPath = `resources.${resource.name}.portForwards[${i}]`;
      const owner = usedPorts.get(forward.local);
      if (owner) error(keyPath, 'config-port-in-use', `local port ${forward.local} is already forwarded by ${owner}`);
      else usedPorts.set(forward.local, keyPath);
    });
  }

  out.push(...(await checkManifestSources(config.manifests, config.rootDir, fileOf, fs)));
  for (const cycle of findCycles(Object.fromEntries(Object.values(config.images).map((i) => [i.name, i.dependsOn])))) {
    error(`images.${cycle[0]}.dependsOn`, 'config-dependency-cycle', `images depend on each other in a cycle: ${cycle.join(' → ')}`);
  }
  out.push(...(await checkLocalCommands(config, fileOf, fs)));
  // Resources and local commands wait for each other through one `dependsOn`, so a cycle may go through both.
  const waits = Object.fromEntries([...Object.values(config.local), ...Object.values(config.resources)].map((r) => [r.name, r.dependsOn]));
  for (const cycle of findCycles(waits)) {
    const first = cycle[0] ?? '';
    const where = config.resources[first] ? `resources.${first}` : `local.${first}`;
    const what = cycle.some((name) => config.local[name]) ? 'resources and local commands' : 'resources';
    // A local command that names itself is already said by checkLocalCommands.
    if (cycle.length > 2 || config.resources[first])
      error(`${where}.dependsOn`, 'config-dependency-cycle', `${what} depend on each other in a cycle: ${cycle.join(' → ')}`);
  }
  return out;
}

/**
 * What is wrong with an image's context and Dockerfile on disk, first
 * problem only: outside the project (unless allowed), the file system root,
 * missing or of the wrong kind (symlinks followed), or unreadable.
 */
async function buildInputProblem(
  rootDir: string,
  image: ResolvedImage,
  fs: FileSystem,
): Promise<{ key: 'context' | 'dockerfile'; code: string; message: string; hint: string } | undefined> {
  const outside = image.allowOutsideProject ? undefined : await outsideProject(rootDir, image, fs);
  if (outside) {
    const written = relative(rootDir, outside.key === 'context' ? image.context : image.dockerfile);
    return {
      key: outside.key,
      code: 'config-outside-project',
      message: `${written} ${outside.throughLink ? 'leads through a symlink to' : 'is'} ${outside.path}, outside the project (${rootDir})`,
      hint: `keep build inputs inside the directory of the config file, or set images.${image.name}.allowOutsideProject: true`,
    };
  }
  const realContext = await fs.realPath(image.context);
  if (realContext === path.parse(image.context).root) {
    return {
      key: 'context',
      code: 'config-outside-project',
      message: 'the context is the root of the file system',
      hint: 'no build needs the whole disk',
    };
  }
  const contextStat = realContext === undefined ? undefined : await fs.stat(realContext);
  if (contextStat?.kind !== 'directory') {
    const shown = relative(rootDir, image.context);
    return {
      key: 'context',
      code: 'config-missing-context',
      message: contextStat ? `${shown} is not a directory` : `directory ${shown} does not exist`,
      hint: 'context is relative to the directory of the config file',
    };
  }
  const realDockerfile = await fs.realPath(image.dockerfile);
  const dockerfileStat = realDockerfile === undefined ? undefined : await fs.stat(realDockerfile);
  if (dockerfileStat?.kind !== 'file') {
    const shown = relative(rootDir, image.dockerfile);
    return {
      key: 'dockerfile',
      code: 'config-missing-dockerfile',
      message: dockerfileStat ? `${shown} is not a regular file` : `file ${shown} does not exist`,
      hint: 'dockerfile is relative to the image context',
    };
  }
  const unreadable = await unreadableBuildFile(fs, image.context, image.dockerfile);
  if (unreadable) {
    return {
      key: unreadable === image.dockerfile ? 'dockerfile' : 'context',
      code: 'config-unreadable',
      message: `cannot read ${relative(rootDir, unreadable)} (permission denied)`,
      hint: 'Docker must read it to build; fix its permissions',
    };
  }
  return undefined;
}

/**
 * The first build input of an image (context, then Dockerfile) that lies
 * outside the project root, by its written path or by where its symlinks
 * lead: a context of `../../..` would otherwise send (and make devloop walk)
 * the whole disk.
 */
async function outsideProject(
  rootDir: string,
  image: ResolvedImage,
  fs: FileSystem,
): Promise<{ key: 'context' | 'dockerfile'; path: string; throughLink: boolean } | undefined> {
  const realRoot = (await fs.realPath(rootDir)) ?? rootDir;
  for (const [key, file] of [
    ['context', image.context],
    ['dockerfile', image.dockerfile],
  ] as const) {
    if (isOutside(path.relative(rootDir, file))) return { key, path: file, throughLink: false };
    const real = await fs.realPath(file);
    if (real !== undefined && isOutside(path.relative(realRoot, real))) return { key, path: real, throughLink: true };
  }
  return undefined;
}

/**
 * The config with each image context replaced by its real path, so that a
 * context reached through a symlink is walked, digested, watched and sent to
 * Docker as the directory it leads to. A Dockerfile inside the context moves
 * with it. Call after `crossCheck` found no error.
 */
export async function followContextLinks(config: ResolvedConfig, fs: FileSystem): Promise<ResolvedConfig> {
  const images: Record<string, ResolvedImage> = {};
  for (const image of Object.values(config.images)) {
    const real = (await fs.realPath(image.context)) ?? image.context;
    const inside = path.relative(image.context, image.dockerfile);
    images[image.name] = {
      ...image,
      context: real,
      dockerfile: real !== image.context && !isOutside(inside) ? path.join(real, inside) : image.dockerfile,
    };
  }
  return { ...config, images };
}

/** Each cycle once, as a closed path `a → b → a`. */
export function findCycles(edges: Readonly<Record<string, readonly string[]>>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'visiting');
    stack.push(node);
    for (const next of edges[node] ?? []) {
      if (!(next in edges)) continue;
      if (state.get(next) === 'visiting') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of Object.keys(edges)) if (!state.has(node)) visit(node);
  return cycles;
}

function relative(root: string, target: string): string {
  return path.relative(root, target) || '.';
}
