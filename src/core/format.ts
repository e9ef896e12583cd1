/**
 * Text helpers shared by the terminal UI and the reports, so a duration or a
 * pod reads the same in the UI, a CI log and a JSON consumer's display.
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

/** `90s`, `5m`, `1h`, or plain seconds. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) return undefined;
  const value = Number(match[1]);
  const unit = match[2] ?? 's';
  const factor = unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000;
  return value * factor;
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

// biome-ignore lint/suspicious/noControlCharactersInRegex: removing terminal escapes is the point
const ansiPattern = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;

/** Container output without terminal escape sequences. */
export function stripAnsi(text: string): string {
  return text.replace(ansiPattern, '');
}

/** The first line of what was thrown, without a stack: for one-line error messages. */
export function errorText(error: unknown): string {
  let text: string;
  try {
    text = error instanceof Error ? String(error.message) : String(error);
  } catch {
    text = 'a value that cannot be printed';
  }
  return (text.split('\n')[0] ?? '').slice(0, 300);
}

/** `812 B`, `4.2 kB`, `3.1 MB`: the size of what a sync moved. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/** `1 file`, `3 files`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** A sync in words: `synced 2 files into 1 pod (4.2 kB) in 85ms`. */
export function describeSync(s: { files: number; pods: number; bytes: number; durationMs: number; resync: boolean }): string {
  const what = s.resync ? 're-synced' : 'synced';
  return `${what} ${plural(s.files, 'file')} into ${plural(s.pods, 'pod')} (${formatBytes(s.bytes)}) in ${formatDuration(s.durationMs)}`;
}
