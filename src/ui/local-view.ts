import { formatDuration } from '../core/format.ts';
import { unreachable } from '../core/unreachable.ts';
import type { LocalState } from '../engine/state.ts';
import { localWaitingText } from '../engine/waiting.ts';
import { sanitizeLine } from './format.ts';
import { problemDetail, spinnerFrame } from './row-parts.ts';
import type { ColorName, DetailView, ResourceRow } from './view-types.ts';

/** A local command's line in the list: its status in words, spinning while it runs. */
export function toLocalRow(l: LocalState, options: { selected: boolean; now: number; logColor: ColorName }): ResourceRow {
  const spinning = l.status === 'running';
  return {
    name: l.name,
    selected: options.selected,
    phase: l.status,
    glyph: glyphs[l.status].glyph,
    color: glyphs[l.status].color,
    phaseText: localStatusText(l, options.now),
    phaseColor: l.status === 'failed' ? 'red' : l.status === 'succeeded' || l.status === 'serving' ? 'green' : undefined,
    spinning,
    spinner: spinning ? spinnerFrame(options.now) : '',
    waiting: l.waiting ? localWaitingText(l.waiting) : undefined,
    editToReadyMs: undefined,
    editToReady: undefined,
    images: '',
    pods: undefined,
    problem: l.problem?.reason,
    logColor: options.logColor,
  };
}

const glyphs: Readonly<Record<LocalState['status'], { glyph: string; color: ColorName }>> = {
  pending: { glyph: '◌', color: 'yellow' },
  running: { glyph: '◐', color: 'cyan' },
  succeeded: { glyph: '●', color: 'green' },
  serving: { glyph: '●', color: 'green' },
  failed: { glyph: '✖', color: 'red' },
};

/** `running 1.2s`, `succeeded in 840ms`, `serving`, `failed · exit 3`. */
export function localStatusText(l: LocalState, now: number): string {
  const run = l.run;
  switch (l.status) {
    case 'pending':
      return l.trigger === 'manual' && !run ? 'pending (manual)' : 'pending';
    case 'running':
      return run ? `running ${formatDuration(now - run.startedAt)}` : 'running';
    case 'succeeded':
      return run?.endedAt === undefined ? 'succeeded' : `succeeded in ${formatDuration(run.endedAt - run.startedAt)}`;
    case 'serving':
      return 'serving';
    case 'failed':
      return run?.exitCode === undefined ? 'failed' : `failed · exit ${run.exitCode}`;
    default:
      return unreachable(l.status);
  }
}

/** The selected local command: its command line, why it waits, and a failure with its fix and last lines. */
export function toLocalDetail(l: LocalState, options: { now: number; maxHeight: number }): DetailView {
  const waiting = l.waiting ? localWaitingText(l.waiting) : undefined;
  const command = [sanitizeLine(`$ ${l.command.join(' ')}${l.serve ? '  (serve)' : ''}`)];
  const essential = 1 + (waiting ? 1 : 0) + (l.problem ? 1 + (l.problem.fix ? 1 : 0) : 0) + command.length;
  const { problem, lines } = problemDetail(l.problem, Math.max(0, options.maxHeight - essential));
  return {
    name: l.name,
    phaseText: localStatusText(l, options.now),
    color: glyphs[l.status].color,
    waiting,
    dependsOn: l.dependsOn,
    problem,
    images: command,
    timeline: undefined,
    height: essential + lines,
  };
}
