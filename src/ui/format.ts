/**
 * Small text helpers shared by the view model and the log pane. Pure, so the
 * same numbers read the same everywhere (`2.4s` in the list, the detail view
 * and the plain report).
 */

import { stripAnsi } from '../core/format.ts';
import { redactText } from '../core/redact.ts';

export { formatDuration, shortPod } from '../core/format.ts';

/**
 * A tag short enough for the resource list: the first 7 characters of a
 * trailing hex digest (`dl-3f9a1b2c4d` → `3f9a1b2`), else the tag cut to 12.
 */
export function shortTag(tag: string): string {
  const hex = /([0-9a-f]{8,})$/.exec(tag);
  if (hex?.[1]) return hex[1].slice(0, 7);
  return tag.length <= 12 ? tag : `${tag.slice(0, 11)}…`;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping terminal control characters is the point
const controlPattern = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

/**
 * One display line from arbitrary container output: escape sequences and
 * control characters removed, tabs expanded, so a line never moves the cursor
 * or wraps the fixed-height log pane; credentials and tokens masked.
 */
export function sanitizeLine(text: string): string {
  const withoutAnsi = stripAnsi(text);
  const lastCr = withoutAnsi.lastIndexOf('\r', withoutAnsi.length - 2);
  const visible = lastCr >= 0 ? withoutAnsi.slice(lastCr + 1) : withoutAnsi;
  return redactText(visible.replace(/\t/g, '  ').replace(/\n/g, ' ').replace(controlPattern, ''));
}

/** Cuts `text` to `width` columns with an ellipsis (code units; good enough for log and step text). */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (text.length <= width) return text;
  return width === 1 ? '…' : `${text.slice(0, width - 1)}…`;
}
