/**
 * A finding about the user's input that points at its source: a config file
 * and key path, or a Dockerfile and line. Printed by reporters, never thrown.
 */
export interface Diagnostic {
  readonly severity: 'error' | 'warning' | 'info';
  /** Stable kebab-case id, e.g. `config-wrong-type` or a lint rule id. */
  readonly code: string;
  readonly message: string;
  /** Path of the file the finding is about, as the user would type it. */
  readonly file?: string;
  /** 1-based line in `file`. */
  readonly line?: number;
  /** Dotted key path inside a config file, e.g. `images.api.context`. */
  readonly keyPath?: string;
  /** What to do about it. */
  readonly hint?: string;
}

/** One line (plus an optional hint line) in the `file:line: key: message` shape editors understand. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = [d.file && (d.line ? `${d.file}:${d.line}` : d.file), d.keyPath].filter(Boolean).join(': ');
  const head = where ? `${where}: ${d.message}` : d.message;
  return d.hint ? `${head}\n  hint: ${d.hint}` : head;
}

/** True when any diagnostic is an error. */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}
