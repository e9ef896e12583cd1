import { loadBuildContext } from '../../build/build-context-files.ts';
import { lintImage } from '../../build/lints/lint-image.ts';
import type { LintFinding } from '../../build/lints/rules.ts';
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
 * finding with file:line, the reason and the fix. Exits 1 when any warning
 * or error is found (info findings do not count), so CI can gate on it.
 */
export async function runLint(ctx: CliContext, options: LintOptions): Promise<ExitCode> {
  const selection = await selectImages(ctx, options);
  if ('usage' in selection) {
    ctx.stderr.write(`${selection.usage}\n`);
    return ExitCode.usage;
  }
  const repositories = new Set(selection.images.map((i) => i.repository));
  const findings: LintFinding[] = [];
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
