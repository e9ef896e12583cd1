/** Text helpers for the reports; durations and pod names come from core, shared with the UI. */

export { describeSync, formatDuration, shortPod, stripAnsi } from '../../core/format.ts';
