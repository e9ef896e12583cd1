import { err, ok, type Result } from '../core/result.ts';
import type { InitAnswers } from './init-plan.ts';
import { isResourceName, onboardDefaults, parseRegistryAddress } from './names.ts';
import type { DetectedProject } from './project-detect.ts';

/** Flags of `devloop init` that preset an answer. */
export interface InitFlags {
  readonly name?: string | undefined;
  readonly port?: string | number | undefined;
  readonly baseImage?: string | undefined;
  readonly runtimeImage?: string | undefined;
  readonly cluster?: string | undefined;
  readonly registry?: string | undefined;
  readonly healthPath?: string | undefined;
}

/** Asks one question on the terminal; answers the default on an empty line. */
export type Ask = (question: string, defaultAnswer: string) => Promise<string>;

/** An answer init cannot use, with the flag it came from. */
export interface InvalidAnswer {
  readonly reason: 'invalid-answer';
  readonly field: 'name' | 'port' | 'cluster' | 'registry' | 'health-path' | 'base-image' | 'runtime-image';
  readonly value: string;
  readonly message: string;
}

/**
 * Settles every answer: a flag wins, else the question is asked (only when
 * `ask` is given, i.e. on a terminal without `--yes`), else the default from
 * detection and the onboarding defaults. Validates each so init never writes a config
 * `devloop config` would reject.
 */
export async function resolveInitAnswers(options: {
  readonly project: DetectedProject;
  readonly flags: InitFlags;
  readonly ask?: Ask | undefined;
}): Promise<Result<InitAnswers, InvalidAnswer>> {
  const { project, flags, ask } = options;
  const pick = async (flag: string | number | undefined, question: string, fallback: string): Promise<string> => {
    if (flag !== undefined && String(flag) !== '') return String(flag).trim();
    if (!ask) return fallback;
    const answer = (await ask(question, fallback)).trim();
    return answer === '' ? fallback : answer;
  };

  const name = await pick(flags.name, 'Name of the service', project.suggestedName);
  if (!isResourceName(name)) {
    return err(
      invalid('name', name, 'must be a lowercase DNS label: letters, digits and "-", starting with a letter, at most 63 characters'),
    );
  }
  const portText = await pick(flags.port, 'Port the service listens on', String(onboardDefaults.port));
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return err(invalid('port', portText, 'must be a whole number from 1 to 65535'));
  const baseImage = await pick(flags.baseImage, 'Base image', onboardDefaults.baseImages[project.kind]);
  if (!isImageReference(baseImage)) return err(invalid('base-image', baseImage, 'is not an image reference'));
  const runtimeImage = flags.runtimeImage?.trim() || onboardDefaults.goRuntimeImage;
  if (!isImageReference(runtimeImage)) return err(invalid('runtime-image', runtimeImage, 'is not an image reference'));
  const cluster = await pick(flags.cluster, 'k3d cluster name', 'dev');
  if (!isResourceName(cluster) || cluster.length > 32) {
    return err(invalid('cluster', cluster, 'must be a lowercase DNS label of at most 32 characters (k3d prefixes it with "k3d-")'));
  }
  const registry = flags.registry?.trim() || onboardDefaults.registry;
  if (!parseRegistryAddress(registry)) return err(invalid('registry', registry, 'must be host:port, e.g. k3d-registry.localhost:5000'));
  const healthPath = flags.healthPath?.trim() || onboardDefaults.healthPath;
  if (!/^\/[\w\-./~%]*$/.test(healthPath)) return err(invalid('health-path', healthPath, 'must be an absolute URL path such as /healthz'));
  return ok({ name, image: name, port, healthPath, baseImage, runtimeImage, cluster, registry });
}

function invalid(field: InvalidAnswer['field'], value: string, message: string): InvalidAnswer {
  return { reason: 'invalid-answer', field, value, message };
}

/** Loose check of `[registry/]repo[:tag][@digest]`: no spaces or shell characters. */
function isImageReference(text: string): boolean {
  return /^[a-z0-9][\w.\-/:@]*$/i.test(text);
}
