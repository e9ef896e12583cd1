/**
 * Small text helpers shared by the view model and the log pane. Pure, so the
 * same numbers read the same everywhere (`2.4s` in the list, the detail view
 * and the plain report).
 */

/** `850ms`, `2.4s`, `1m05s`: short enough for a table column, exact enough to compare runs. */
export function formatDuration(ms: number): string {
  const value = Math.max(0, Math.round(ms));
  if (value < 1000) return `${value}ms`;
  if (value < 60_000) return `${(value / 1000).toFixed(1)}s`;
  const minutes = Math.floor(value / 60_000);
  const seconds = Math.floor((value % 60_000) / 1000);
  return `${minutes}m${String(seconds).padStart(2, '0')}s`;
}

/**
 * A tag short enough for the resource list: the first 7 characters of a
 * trailing hex digest (`dl-3f9a1b2c4d` → `3f9a1b2`), else the tag cut to 12.
 */
export function shortTag(tag: string): string {
  const hex = /([0-9a-f]{8,})$/.exec(tag);
  if (hex?.[1]) return hex[1].slice(0, 7);
  return tag.length <= 12 ? tag : `${tag.slice(0, 11)}…`;
}

/**
 * A pod name without its ReplicaSet hash (`web-7d9c6b5f4-x2k8q` →
 * `web-x2k8q`): the random suffix tells pods of one rollout apart, the hash
 * does not.
 */
export function shortPod(pod: string): string {
  const match = /^(.+)-[a-z0-9]{6,10}-([a-z0-9]{5})$/.exec(pod);
  return match?.[1] && match[2] ? `${match[1]}-${match[2]}` : pod;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping terminal control sequences is the point
const ansiPattern = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: see above
const controlPattern = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

/**
 * One display line from arbitrary container output: escape sequences and
 * control characters removed, tabs expanded, so a line never moves the cursor
 * or wraps the fixed-height log pane.
 */
export function sanitizeLine(text: string): string {
  const withoutAnsi = text.replace(ansiPattern, '');
  const lastCr = withoutAnsi.lastIndexOf('\r', withoutAnsi.length - 2);
  const visible = lastCr >= 0 ? withoutAnsi.slice(lastCr + 1) : withoutAnsi;
  return visible.replace(/\t/g, '  ').replace(/\n/g, ' ').replace(controlPattern, '');
}

/** Cuts `text` to `width` columns with an ellipsis (code units; good enough for log and step text). */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (text.length <= width) return text;
  return width === 1 ? '…' : `${text.slice(0, width - 1)}…`;
}
