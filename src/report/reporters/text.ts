/**
 * Text helpers for the reports. They match the terminal UI's (src/ui/format.ts)
 * on purpose, so a duration or a pod reads the same in the UI, a CI log and
 * the JSON consumer's display.
 */

/** `850ms`, `2.4s`, `1m05s`. */
export function formatDuration(ms: number): string {
  const value = Math.max(0, Math.round(ms));
  if (value < 1000) return `${value}ms`;
  if (value < 60_000) return `${(value / 1000).toFixed(1)}s`;
  const minutes = Math.floor(value / 60_000);
  const seconds = Math.floor((value % 60_000) / 1000);
  return `${minutes}m${String(seconds).padStart(2, '0')}s`;
}

/** `web-7d9c6b5f4-x2k8q` → `web-x2k8q`: the ReplicaSet hash dropped, the pod's own suffix kept. */
export function shortPod(pod: string): string {
  const match = /^(.+)-[a-z0-9]{6,10}-([a-z0-9]{5})$/.exec(pod);
  return match?.[1] && match[2] ? `${match[1]}-${match[2]}` : pod;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: removing terminal escapes is the point
const ansiPattern = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;

/** Container output without escape sequences or a trailing newline, for logs where colour is off. */
export function stripAnsi(text: string): string {
  return text.replace(ansiPattern, '');
}
