import type { ResolvedConfig, ResolvedImage } from '../../config/resolved-config.ts';
import type { Diagnostic } from '../../core/diagnostic.ts';
import { notADockerfile, parseDockerfile } from '../../graph/dockerfile-model.ts';
import type { FileSystem } from '../../system/file-system.ts';
import { loadBuildContext } from '../build-context-files.ts';
import type { LintFinding } from './lint-finding.ts';
import { lintImage } from './lint-image.ts';
import { secretBuildArgsInConfig } from './secret-build-arg.ts';

/**
 * The findings of every image's Dockerfile and build context, each once
 * when images share a context or Dockerfile; or the diagnostic of the first
 * image whose Dockerfile is missing or is no Dockerfile.
 */
export async function lintImages(options: {
  readonly fs: FileSystem;
  readonly images: readonly ResolvedImage[];
  /** Name the image in findings (images from a config; not one given by --context). */
  readonly named: boolean;
  readonly displayPath: (file: string) => string;
}): Promise<{ findings: LintFinding[] } | { unusable: Diagnostic }> {
  const { fs, images, displayPath } = options;
  const repositories = new Set(images.map((i) => i.repository));
  const findings: LintFinding[] = [];
  const seen = new Set<string>();
  for (const image of images) {
    const file = displayPath(image.dockerfile);
    if ((await fs.stat(image.dockerfile))?.kind !== 'file') {
      return { unusable: { severity: 'error', code: 'dockerfile-missing', message: `image "${image.name}": no Dockerfile here`, file } };
    }
    const text = await fs.readText(image.dockerfile);
    const model = parseDockerfile({ text, file, buildArgs: image.buildArgs });
    const notDockerfile = notADockerfile(text, model);
    if (notDockerfile) {
      return {
        unusable: {
          severity: 'error',
          code: 'dockerfile-invalid',
          message: `image "${image.name}": not a Dockerfile (${notDockerfile})`,
          file,
        },
      };
    }
    const context = await loadBuildContext(fs, { dir: image.context, dockerfile: image.dockerfile });
    for (const f of await lintImage({
      fs,
      model,
      target: image.target,
      context,
      devloopRepositories: repositories,
      ...(options.named ? { image: image.name } : {}),
      displayPath,
    })) {
      const key = `${f.rule}|${f.file}|${f.line}`;
      if (seen.has(key)) continue;
      seen.add(key);
      findings.push(f);
    }
  }
  return { findings };
}

/** Secret-looking build args of the configured images, at their line in the config (the personal file first: it wins). */
export async function configBuildArgFindings(
  fs: FileSystem,
  config: Pick<ResolvedConfig, 'images' | 'configFile' | 'localFile'>,
  displayPath: (file: string) => string,
): Promise<LintFinding[]> {
  const files: { display: string; text: string }[] = [];
  for (const file of [config.localFile, config.configFile]) {
    if (file === undefined) continue;
    const text = await fs.readText(file).catch(() => '');
    files.push({ display: displayPath(file), text });
  }
  return Object.values(config.images).flatMap((image) => secretBuildArgsInConfig({ image: image.name, buildArgs: image.buildArgs, files }));
}
