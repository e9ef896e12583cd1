import type { PhaseTiming, Timeline } from '../engine/state.ts';
import { formatDuration } from './format.ts';

/** One phase of an iteration as a bar: where it starts and how long it is, in ms and in columns. */
export interface TimelineBar {
  readonly name: PhaseTiming['name'];
  /** What did the work, when known. */
  readonly process: string | undefined;
  /** Milliseconds from the change being seen to the phase start. */
  readonly startMs: number;
  readonly durationMs: number;
  readonly durationText: string;
  /** Still going at `now`. */
  readonly running: boolean;
  /** Column where the bar starts, 0-based within `width`. */
  readonly offset: number;
  /** Columns the bar covers, at least 1. */
  readonly width: number;
}

/** An iteration's timeline, scaled to a width. */
export interface TimelineView {
  readonly iteration: number;
  /** `current` while the iteration runs, `last` once it ended (ready or failed). */
  readonly label: 'current' | 'last';
  readonly bars: readonly TimelineBar[];
  /** Change seen → ready (or → now / last phase end, when not ready). */
  readonly totalMs: number;
  readonly totalText: string;
  readonly ready: boolean;
  /** The column count the bars were scaled to. */
  readonly width: number;
}

/**
 * Scales a timeline's phases to `width` columns, 0 being the moment the change
 * was seen and `width` the ready moment (or now, while it runs), so the gaps
 * (waiting for the batch, for a build slot) show as much as the phases.
 */
export function toTimelineView(timeline: Timeline, options: { now: number; width: number; running: boolean }): TimelineView {
  const width = Math.max(1, Math.floor(options.width));
  const origin = timeline.changeSeenAt;
  const lastEnd = timeline.phases.reduce((max, p) => Math.max(max, p.endedAt ?? options.now), origin);
  const end = timeline.readyAt ?? (options.running ? Math.max(options.now, lastEnd) : lastEnd);
  const span = Math.max(1, end - origin);
  const scale = width / span;
  const bars = timeline.phases.map((phase): TimelineBar => {
    const running = phase.endedAt === undefined && options.running;
    const stop = phase.endedAt ?? (options.running ? options.now : end);
    const startMs = Math.max(0, phase.startedAt - origin);
    const durationMs = Math.max(0, stop - phase.startedAt);
    const offset = Math.min(width - 1, Math.floor(startMs * scale));
    const barWidth = Math.max(1, Math.min(width - offset, Math.round(durationMs * scale)));
    return {
      name: phase.name,
      process: phase.process,
      startMs,
      durationMs,
      durationText: formatDuration(durationMs),
      running,
      offset,
      width: barWidth,
    };
  });
  const totalMs = end - origin;
  return {
    iteration: timeline.iteration,
    label: options.running ? 'current' : 'last',
    bars,
    totalMs,
    totalText: formatDuration(totalMs),
    ready: timeline.readyAt !== undefined,
    width,
  };
}
