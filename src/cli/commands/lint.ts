import { loadBuildContext } from '../../build/build-context-files.ts';
import type { LintFinding } from '../../build/lints/lint-finding.ts';
import { lintImage } from '../../build/lints/lint-image.ts';
import { secretBuildArgsInConfig } from '../../build/lints/secret-build-arg.ts';
import type { ResolvedConfig } from '../../config/resolved-config.ts';
import { formatDiagnostic } from '../../core/diagnostic.ts';
import { ExitCode } from '../../core/exit-code.ts';
import { notADockerfile, parseDockerfile } from '../../graph/dockerfile-model.ts';
import type { CliContext } from '../cli-context.ts';
import { displayPath, type ImageSource, selectImages } from './image-selection.ts';

/** Options of `devloop lint`. */
export interface LintOptions extends ImageSource {
  readonly json?: boolean;
}

/**
 * `devloop lint`: Dockerfile layering and build-context advice, each
 * finding with file:line, the reason and the fix, plus build args in the
 * config that look secret. Exits 1 when any warning or error is found (info
 * findings do not count), so CI can gate on it.
 */
export async function runLint(ctx: CliContext, options: LintOptions): Promise<ExitCode> {
  const selection = await selectImages(ctx, options);
  if ('usage' in selection) {
    ctx.stderr.write(`${selection.usage}\n`);
    return ExitCode.usage;
  }
  const repositories = new Set(selection.images.map((i) => i.repository));
  const findings: LintFinding[] = options.context === undefined && options.config ? await configFindings(ctx, options.config) : [];
  const seen = new Set<string>();
  for (const image of selection.images) {
    const stat = await ctx.fs.stat(image.dockerfile);
    if (stat?.kind !== 'file') {
      ctx.stderr.write(
        `${formatDiagnostic({ severity: 'error', code: 'dockerfile-missing', message: `image "${image.name}": no Dockerfile here`, file: displayPath(ctx, image.dockerfile) })}\n`,
      );
      return ExitCode.usage;
    }
    const text = await ctx.fs.readText(image.dockerfile);
    const model = parseDockerfile({ text, file: displayPath(ctx, image.dockerfile), buildArgs: image.buildArgs });
    const notDockerfile = notADockerfile(text, model);
    if (notDockerfile) {
      ctx.stderr.write(
        `${formatDiagnostic({ severity: 'error', code: 'dockerfile-invalid', message: `image "${image.name}": not a Dockerfile (${notDockerfile})`, file: displayPath(ctx, image.dockerfile) })}\n`,
      );
      return ExitCode.usage;
    }
    const context = await loadBuildContext(ctx.fs, { dir: image.context, dockerfile: image.dockerfile });
    for (const f of await lintImage({
      fs: ctx.fs,
      model,
      target: image.target,
      context,
      devloopRepositories: repositories,
      ...(options.context === undefined ? { image: image.name } : {}),
      displayPath: (p) => displayPath(ctx, p),
    })) {
      // Images sharing a context or Dockerfile report each finding once.
      const key = `${f.rule}|${f.file}|${f.line}`;
      if (seen.has(key)) continue;
      seen.add(key);
      findings.push(f);
    }
  }
  if (options.json) {
    ctx.stdout.write(`${JSON.stringify({ findings }, null, 2)}\n`);
  } else if (findings.length === 0) {
    ctx.stdout.write('no findings\n');
  } else {
    for (const f of findings) {
      ctx.stdout.write(
        `${formatDiagnostic({ severity: f.severity, code: f.rule, message: `${f.severity} ${f.rule}: ${f.message}`, file: f.file, ...(f.line ? { line: f.line } : {}), hint: f.fix })}\n`,
      );
    }
  }
  return findings.some((f) => f.severity !== 'info') ? ExitCode.failure : ExitCode.ok;
}

/** Secret-looking build args of the configured images, at their line in the config (the personal file first: it wins). */
async function configFindings(ctx: CliContext, config: ResolvedConfig): Promise<LintFinding[]> {
  const files: { display: string; text: string }[] = [];
  for (const file of [config.localFile, config.configFile]) {
    if (file === undefined) continue;
    const text = await ctx.fs.readText(file).catch(() => '');
    files.push({ display: displayPath(ctx, file), text });
  }
  return Object.values(config.images).flatMap((image) => secretBuildArgsInConfig({ image: image.name, buildArgs: image.buildArgs, files }));
}
