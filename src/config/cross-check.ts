import * as path from 'node:path';
import type { Diagnostic } from '../core/diagnostic.ts';
import { didYouMean } from '../core/did-you-mean.ts';
import type { FileSystem } from '../system/file-system.ts';
import type { ResolvedConfig } from './resolved-config.ts';
import type { FileOf } from './schema.ts';

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
  const resourceNames = Object.keys(config.resources);
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
    const contextStat = await fs.stat(image.context);
    if (contextStat?.kind !== 'directory') {
      error(
        `images.${image.name}.context`,
        'config-missing-context',
        `directory ${relative(config.rootDir, image.context)} does not exist`,
        'context is relative to the directory of the config file',
      );
    } else if ((await fs.stat(image.dockerfile))?.kind !== 'file') {
      error(
        `images.${image.name}.dockerfile`,
        'config-missing-dockerfile',
        `file ${relative(config.rootDir, image.dockerfile)} does not exist`,
        'dockerfile is relative to the image context',
      );
    }
  }

  const usedPorts = new Map<number, string>();
  for (const resource of Object.values(config.resources)) {
    resource.dependsOn.forEach((dep, i) => {
      if (!config.resources[dep]) {
        const u = unknown('resource', dep, resourceNames);
        error(`resources.${resource.name}.dependsOn[${i}]`, 'config-unknown-resource', u.message, u.hint);
      }
    });
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

  for (const cycle of findCycles(Object.fromEntries(Object.values(config.images).map((i) => [i.name, i.dependsOn])))) {
    error(`images.${cycle[0]}.dependsOn`, 'config-dependency-cycle', `images depend on each other in a cycle: ${cycle.join(' → ')}`);
  }
  for (const cycle of findCycles(Object.fromEntries(Object.values(config.resources).map((r) => [r.name, r.dependsOn])))) {
    error(`resources.${cycle[0]}.dependsOn`, 'config-dependency-cycle', `resources depend on each other in a cycle: ${cycle.join(' → ')}`);
  }
  return out;
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
