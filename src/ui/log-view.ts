import type { StoredLine } from '../engine/log-store.ts';
import { sanitizeLine, shortPod } from './format.ts';
import type { ColorName, LogPaneView } from './view-model.ts';

/** One row of the log pane. */
export interface LogRow {
  readonly key: number;
  /** `hello web-x2k8q/web` (scope all) or `web-x2k8q/web` (one resource). */
  readonly prefix: string;
  readonly color: ColorName;
  readonly text: string;
}

/** How many lines to ask the log store for, so scrolling back `offset` lines still fills the pane. */
export function logQueryLimit(pane: LogPaneView): number {
  return pane.height + pane.offset;
}

/**
 * The rows the pane shows: the `height` lines ending `offset` lines before the
 * newest, prefixed with where they came from, made safe to print.
 */
export function toLogRows(lines: readonly StoredLine[], pane: LogPaneView, colors: Readonly<Record<string, ColorName>>): LogRow[] {
  const offset = Math.min(pane.offset, Math.max(0, lines.length - pane.height));
  const end = lines.length - offset;
  return lines.slice(Math.max(0, end - pane.height), end).map((line) => {
    const source = line.container ? `${shortPod(line.pod)}/${line.container}` : shortPod(line.pod);
    const prefix = pane.showResource ? [line.resource, source].filter(Boolean).join(' ') : source;
    return { key: line.seq, prefix, color: colors[line.resource] ?? 'gray', text: sanitizeLine(line.text) };
  });
}
