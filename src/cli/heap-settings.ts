import { setFlagsFromString } from 'node:v8';

/**
 * V8 settings for the long-running loop. Watching a large tree allocates a
 * lot of short-lived garbage during the initial scan (chokidar lists and
 * stats every file); with V8's defaults the young generation grows to tens of
 * MB and the old generation well past what stays alive, and those pages stay
 * resident. Measured on the 100k-file scale tree: RSS after the scan
 * ~400 MB by default, ~165 MB with these, for ~20-30 % more CPU during the
 * scan. Both flags are read by the collector as it runs, so setting them
 * once the process started works (the semi-space maximum would not: it is
 * fixed when the heap is created).
 */
export const loopHeapFlags = ['--semi-space-growth-factor=1', '--heap-growing-percent=20'] as const;

/** The flags of `loopHeapFlags` the user did not set themselves (`node --heap-growing-percent=… devloop`; Node refuses them in NODE_OPTIONS). */
export function heapFlagsToApply(given: string): string[] {
  const normalized = given.replaceAll('_', '-');
  return loopHeapFlags.filter((flag) => !normalized.includes(flag.slice(0, flag.indexOf('='))));
}

/** Applies `loopHeapFlags` except those the user gave node; returns what was applied. */
export function applyLoopHeapFlags(env: Readonly<Record<string, string | undefined>> = process.env): string[] {
  const flags = heapFlagsToApply(`${env.NODE_OPTIONS ?? ''} ${process.execArgv.join(' ')}`);
  for (const flag of flags) setFlagsFromString(flag);
  return flags;
}
