import { configBuildArgFindings, lintImages } from '../../build/lints/lint-images.ts';
import { formatDiagnostic } from '../../core/diagnostic.ts';
import { ExitCode } from '../../core/exit-code.ts';
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
  const display = (file: string) => displayPath(ctx, file);
  const linted = await lintImages({ fs: ctx.fs, images: selection.images, named: options.context === undefined, displayPath: display });
  if ('unusable' in linted) {
    ctx.stderr.write(`${formatDiagnostic(linted.unusable)}\n`);
    return ExitCode.usage;
  }
  const findings = [
    ...(options.context === undefined && options.config ? await configBuildArgFindings(ctx.fs, options.config, display) : []),
    ...linted.findings,
  ];
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
