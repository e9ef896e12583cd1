import * as path from 'node:path';
import type { Diagnostic } from '../core/diagnostic.ts';
import type { TextSink } from '../core/text-sink.ts';
import { colors as makeColors } from './colors.ts';

/**
 * Prints diagnostics as `file:line: key.path: message` with an indented hint,
 * file paths relative to the working directory so they are short and clickable.
 */
export function printDiagnostics(sink: TextSink, diagnostics: readonly Diagnostic[], options: { color: boolean; cwd: string }): void {
  const c = makeColors(options.color);
  for (const d of diagnostics) {
    const label = d.severity === 'error' ? c.red('error') : d.severity === 'warning' ? c.yellow('warning') : c.blue('info');
    const file = d.file && path.isAbsolute(d.file) ? path.relative(options.cwd, d.file) || d.file : d.file;
    const where = [file && (d.line ? `${file}:${d.line}` : file), d.keyPath].filter(Boolean).join(': ');
    sink.write(`${label}: ${where ? `${c.bold(where)}: ` : ''}${d.message}\n`);
    if (d.hint) sink.write(`  ${c.dim('hint:')} ${d.hint}\n`);
  }
}
