import { formatDiagnostic } from '../core/diagnostic.ts';
import { describeSync, formatBytes } from '../core/format.ts';
import { stageFailed } from '../core/problem.ts';
import { unreachable } from '../core/unreachable.ts';
import { isBusy } from '../engine/phase.ts';
import { type DeliveredImage, deliveredSentence, describeDelivery } from '../engine/ports.ts';
import type { BuildStep, EngineState, ImageState, ResourceState } from '../engine/state.ts';
import { waitingText } from '../engine/waiting.ts';
import { formatDuration, sanitizeLine, shortTag } from './format.ts';
import { toLocalDetail, toLocalRow } from './local-view.ts';
import { problemDetail, spinnerFrame } from './row-parts.ts';
import { toTimelineView } from './timeline-view.ts';
import type { UiState } from './ui-state.ts';
import type { ColorName, DetailView, ResourceRow } from './view-types.ts';

export type { ColorName, DetailView, ResourceRow } from './view-types.ts';

export interface HeaderView {
  readonly watch: EngineState['watch'];
  readonly watchText: string;
  readonly iteration: number;
  readonly summary: string;
  readonly lastChanges: string | undefined;
  /** The watcher's error: edits may go unseen until it is fixed. */
  readonly watchError: string | undefined;
  readonly stopping: boolean;
  /** Formatted config diagnostics (the last good config keeps running). */
  readonly configProblems: readonly string[];
  readonly hiddenConfigProblems: number;
  readonly height: number;
}

export interface LegendItem {
  readonly key: string;
  readonly label: string;
}

/** What the log pane shows and the query that fills it. */
export interface LogPaneView {
  readonly title: string;
  readonly focused: boolean;
  /** Resource to read logs of; undefined reads all. */
  readonly resource: string | undefined;
  readonly filter: string;
  readonly editingFilter: boolean;
  readonly offset: number;
  /** Lines of log text (the title line excluded). */
  readonly height: number;
  /** Whether rows carry the resource name (scope all). */
  readonly showResource: boolean;
}

export interface View {
  readonly header: HeaderView;
  readonly rows: readonly ResourceRow[];
  /** Rows not shown above and below the visible window of the list. */
  readonly rowsHidden: { readonly above: number; readonly below: number };
  readonly listHeight: number;
  /** Column widths so the rows line up. */
  readonly columns: { readonly name: number; readonly images: number; readonly total: number };
  readonly detail: DetailView | undefined;
  readonly logs: LogPaneView;
  readonly logColors: Readonly<Record<string, ColorName>>;
  readonly legend: readonly LegendItem[];
}

/** Terminal size the view is laid out for. */
export interface ViewSize {
  readonly columns: number;
  readonly rows: number;
}

const logPalette: readonly ColorName[] = ['cyan', 'magenta', 'blue', 'yellow', 'green'];
const maxConfigLines = 3;

/**
 * The whole screen as data, from the engine state, the UI choices and the
 * clock. Pure, so every frame can be checked without a terminal; the layout
 * (how many rows the log pane gets) is computed here so the screen never
 * outgrows the terminal.
 */
export function toView(state: EngineState, ui: UiState, now: number, size: ViewSize = { columns: 100, rows: 30 }): View {
  const names = listedNames(state);
  const selected = Math.min(Math.max(ui.selected, 0), Math.max(names.length - 1, 0));
  const logColors: Record<string, ColorName> = {};
  names.forEach((name, i) => {
    logColors[name] = logPalette[i % logPalette.length] ?? 'cyan';
  });
  const allRows = names.flatMap((name, i) => {
    const options = { selected: i === selected, now, logColor: logColors[name] ?? 'cyan' };
    const local = state.locals[name];
    if (local) return [toLocalRow(local, options)];
    const resource = state.resources[name];
    return resource ? [toRow(state, resource, options)] : [];
  });

  const header = toHeader(state);
  const maxList = Math.max(1, Math.floor((size.rows - 1) / 3));
  const listHeight = Math.max(1, Math.min(allRows.length, maxList));
  const first = Math.min(Math.max(0, selected - listHeight + 1), Math.max(0, allRows.length - listHeight));
  const rows = allRows.slice(first, first + listHeight);

  const selectedName = names[selected] ?? '';
  const selectedResource = state.resources[selectedName];
  const selectedLocal = state.locals[selectedName];
  const fixedLines = header.height + listHeight + 2; // + log title + legend
  const detailBudget = Math.max(3, Math.floor(((size.rows - 1 - fixedLines) * 2) / 3));
  const detailOptions = { now, columns: size.columns, maxHeight: detailBudget };
  const detail = !ui.showDetail
    ? undefined
    : selectedLocal
      ? toLocalDetail(selectedLocal, detailOptions)
      : selectedResource && toDetail(state, selectedResource, detailOptions);
  const logHeight = Math.max(1, size.rows - 1 - fixedLines - (detail?.height ?? 0));

  const nameWidth = Math.min(24, Math.max(4, ...allRows.map((r) => r.name.length)));
  const imagesWidth = Math.min(30, Math.max(0, ...allRows.map((r) => r.images.length)));
  const scopeName = ui.logScope === 'selected' ? names[selected] : undefined;
  const title = [
    `logs · ${scopeName ?? 'all resources'}`,
    ui.logFilter || ui.editingFilter ? `filter "${ui.logFilter}${ui.editingFilter ? '▏' : ''}"` : undefined,
    ui.logOffset > 0 ? `scrolled back ${ui.logOffset}` : undefined,
  ]
    .filter(Boolean)
    .join(' · ');

  return {
    header,
    rows,
    rowsHidden: { above: first, below: allRows.length - first - rows.length },
    listHeight,
    columns: { name: nameWidth, images: imagesWidth, total: size.columns },
    detail,
    logs: {
      title,
      focused: ui.focus === 'logs',
      resource: scopeName,
      filter: ui.logFilter,
      editingFilter: ui.editingFilter,
      offset: ui.logOffset,
      height: logHeight,
      showResource: scopeName === undefined,
    },
    logColors,
    legend: toLegend(state, ui),
  };
}

function toRow(state: EngineState, r: ResourceState, options: { selected: boolean; now: number; logColor: ColorName }): ResourceRow {
  const spinning = isBusy(r.phase) && !r.waiting;
  const { glyph, color } = statusGlyph(r, isHeld(state, r.name));
  const tags = r.images.flatMap((image) => {
    const tag = r.deployedTags[image];
    return tag ? [`${image}:${shortTag(tag)}`] : [];
  });
  return {
    name: r.name,
    selected: options.selected,
    phase: r.phase,
    glyph,
    color,
    phaseText: phaseText(state, r, options.now),
    phaseColor: r.phase === 'failed' ? 'red' : r.phase === 'ready' ? 'green' : undefined,
    spinning,
    spinner: spinning ? spinnerFrame(options.now) : '',
    waiting: r.waiting ? waitingText(r.waiting) : r.pendingManual ? 'changes pending, press t to deploy' : undefined,
    editToReadyMs: r.lastEditToReadyMs,
    editToReady: r.lastEditToReadyMs === undefined ? undefined : formatDuration(r.lastEditToReadyMs),
    images: tags.join(' '),
    pods: r.rollout && r.rollout.podsWanted > 0 ? `${r.rollout.podsReady}/${r.rollout.podsWanted}` : undefined,
    problem: r.problem?.reason,
    logColor: options.logColor,
  };
}

/** The names the list shows, in its order: the local commands, then the resources dependencies first. */
export function listedNames(state: EngineState): string[] {
  return [...Object.keys(state.locals), ...state.order.filter((name) => state.resources[name])];
}

function isHeld(state: EngineState, resource: string): boolean {
  return state.hold?.resources.includes(resource) ?? false;
}

/** `held`: failed only because a component is down, and runs again by itself when it answers. */
function statusGlyph(r: ResourceState, held: boolean): { glyph: string; color: ColorName } {
  if (r.phase === 'failed') return held ? { glyph: '◌', color: 'yellow' } : { glyph: '✖', color: 'red' };
  if (r.phase === 'ready') return { glyph: '●', color: 'green' };
  if (r.waiting || r.pendingManual || r.phase === 'queued') return { glyph: '◌', color: 'yellow' };
  if (r.phase === 'idle') return { glyph: '○', color: 'gray' };
  return { glyph: '◐', color: 'cyan' };
}

/** The current phase in words, with the build step or rollout message when there is one. */
export function phaseText(state: EngineState, r: ResourceState, now: number): string {
  const since = (name: string) => {
    const p = r.timeline?.phases.find((phase) => phase.name === name && phase.endedAt === undefined);
    return p ? ` ${formatDuration(now - p.startedAt)}` : '';
  };
  const images = r.images.flatMap((name) => (state.images[name] ? [state.images[name]] : []));
  switch (r.phase) {
    case 'idle':
      return r.trigger === 'manual' ? 'manual' : 'idle';
    case 'queued':
      return 'queued';
    case 'syncing':
      return `syncing files${since('sync')}`;
    case 'building': {
      const building = images.filter((i) => i.status === 'building');
      const image: ImageState | undefined = building[0] ?? images.find((i) => i.status === 'queued');
      if (!image) return `built ${images.map((i) => i.name).join(', ')}`.trimEnd();
      const step = image.step ? stepText(image.step) : image.plan?.firstInvalidatedStep && `from ${image.plan.firstInvalidatedStep}`;
      return `building ${image.name}${since('build')}${step ? ` · ${step}` : ''}`;
    }
    case 'delivering': {
      const pending = images.filter((i) => i.status !== 'delivered');
      if (pending.length === 0 && images.length > 0)
        return [...new Set(images.map((i) => (i.delivered ? deliveredSentence(describeDelivery(i.delivered)) : 'delivered')))].join(', ');
      return `delivering ${pending.map((i) => i.name).join(', ')}${since('deliver')}`.trimEnd();
    }
    case 'deploying':
      return r.timeline?.phases.some((p) => p.name === 'patch' && p.endedAt === undefined)
        ? `patching image${since('patch')}`
        : `applying manifests${since('apply')}`;
    case 'rolling-out':
      return `rolling out${since('rollout')}${r.rollout ? ` · ${r.rollout.message}` : ''}`;
    case 'ready':
      return Object.keys(r.syncedTags ?? {}).length > 0 ? 'ready · synced ahead of image' : 'ready';
    case 'failed':
      return r.problem ? stageFailed(r.problem.stage) : 'failed';
    default:
      return unreachable(r.phase);
  }
}

/** `step 5/7 COPY a b`, as the plan numbers steps. */
function stepText(step: BuildStep): string {
  return `step ${step.index}${step.total === undefined ? '' : `/${step.total}`} ${step.text}`;
}

function toHeader(state: EngineState): HeaderView {
  const watchText = state.stopping
    ? 'stopping…'
    : state.watch === 'paused'
      ? 'paused (p resumes)'
      : state.watch === 'watching'
        ? 'watching'
        : 'starting…';
  const resources = Object.values(state.resources);
  const ready = resources.filter((r) => r.phase === 'ready').length;
  const failed = resources.filter((r) => r.phase === 'failed').length;
  const busy = resources.filter((r) => isBusy(r.phase)).length;
  const summary = [`${ready}/${resources.length} ready`, busy ? `${busy} updating` : '', failed ? `${failed} failed` : '']
    .filter(Boolean)
    .join(' · ');
  const [firstChange] = state.lastChanges;
  const lastChanges =
    firstChange === undefined ? undefined : `${firstChange}${state.lastChanges.length > 1 ? ` (+${state.lastChanges.length - 1})` : ''}`;
  const all = state.configProblems.map((d) => sanitizeLine(formatDiagnostic(d).split('\n')[0] ?? ''));
  const configProblems = all.length > maxConfigLines ? all.slice(0, maxConfigLines - 1) : all;
  const hiddenConfigProblems = all.length - configProblems.length;
  const watchError = state.watchError === undefined ? undefined : sanitizeLine(state.watchError);
  const height = 1 + (watchError ? 1 : 0) + (all.length ? 1 + configProblems.length + (hiddenConfigProblems ? 1 : 0) : 0);
  return {
    watch: state.watch,
    watchText,
    iteration: state.iteration,
    summary,
    lastChanges,
    watchError,
    stopping: state.stopping,
    configProblems,
    hiddenConfigProblems,
    height,
  };
}

function toDetail(state: EngineState, r: ResourceState, options: { now: number; columns: number; maxHeight: number }): DetailView {
  const waiting = r.waiting ? waitingText(r.waiting) : r.pendingManual ? 'changes pending, press t to deploy' : undefined;
  // What must show: the title, why it waits, the diagnosis and its fix. The
  // rest fills what is left: a few detail lines first, then the images, then
  // the timeline if it fits whole, then the remaining detail lines.
  const essential = 1 + (waiting ? 1 : 0) + (r.problem ? 1 + (r.problem.fix ? 1 : 0) : 0);
  let remaining = Math.max(0, options.maxHeight - essential);
  const reserved = Math.min(r.problem?.details?.length ?? 0, 4, remaining);
  remaining -= reserved;
  const sync = syncLine(r);
  const images = [...r.images.map((name) => imageLine(state.images[name], name)), ...(sync ? [sync] : [])].slice(0, remaining);
  remaining -= images.length;
  let timeline = r.timeline
    ? toTimelineView(r.timeline, { now: options.now, width: Math.max(10, options.columns - 24), running: isBusy(r.phase) })
    : undefined;
  if (timeline && 1 + timeline.bars.length > remaining) timeline = undefined;
  remaining -= timeline ? 1 + timeline.bars.length : 0;
  const { problem, lines: detailLines } = problemDetail(r.problem, reserved + remaining);
  return {
    name: r.name,
    phaseText: phaseText(state, r, options.now),
    color: statusGlyph(r, isHeld(state, r.name)).color,
    waiting,
    dependsOn: r.dependsOn,
    problem,
    images,
    timeline,
    height: essential + detailLines + images.length + (timeline ? 1 + timeline.bars.length : 0),
  };
}

/** The last live update in words: what it copied, why it rebuilt instead, or why it failed. */
function syncLine(r: ResourceState): string | undefined {
  const note = r.sync;
  if (!note) return undefined;
  switch (note.kind) {
    case 'synced':
      return `live update: ${describeSync(note)}`;
    case 'skipped':
      return sanitizeLine(`live update: rebuild: ${note.why}`);
    case 'failed': {
      const after = note.lasting ? 'rebuilds instead until the Dockerfile changes' : 'rebuilt instead';
      return sanitizeLine(`live update failed (${after}): ${note.message}${note.fix ? ` · fix: ${note.fix}` : ''}`);
    }
    default:
      return unreachable(note);
  }
}

function imageLine(image: ImageState | undefined, name: string): string {
  if (!image) return `${name}: unknown`;
  const decision =
    image.plan === undefined
      ? image.status
      : image.plan.rebuild
        ? `rebuild${image.plan.firstInvalidatedStep ? ` from ${image.plan.firstInvalidatedStep}` : ''}: ${image.plan.explanation}`
        : `fresh: ${image.plan.explanation}`;
  const parts = [
    decision,
    image.buildMs === undefined ? undefined : `built in ${formatDuration(image.buildMs)}`,
    image.delivered && deliveryWords(image.delivered),
    image.status === 'failed' ? 'failed' : undefined,
  ];
  return sanitizeLine(`${name}: ${parts.filter(Boolean).join(' · ')}`);
}

/** `registry-push in 390ms (1.2 kB)`, `already in the registry`: the delivery record in words. */
function deliveryWords(d: DeliveredImage): string {
  const words = describeDelivery(d);
  if (d.stage === 'skipped') return words;
  const took = d.durationMs === undefined ? '' : ` in ${formatDuration(d.durationMs)}`;
  const bytes = d.bytes === undefined ? '' : ` (${formatBytes(d.bytes)})`;
  return `${words}${took}${bytes}`;
}

function toLegend(state: EngineState, ui: UiState): LegendItem[] {
  if (ui.editingFilter) {
    return [
      { key: 'type', label: 'filter logs' },
      { key: 'enter', label: 'keep' },
      { key: 'esc', label: 'clear' },
    ];
  }
  const shared: LegendItem[] = [
    { key: 'a', label: ui.logScope === 'all' ? 'one log' : 'all logs' },
    { key: '/', label: 'filter' },
    { key: 't', label: 'rebuild' },
    { key: 'p', label: state.watch === 'paused' ? 'resume' : 'pause' },
    { key: 'q', label: 'quit' },
  ];
  if (ui.focus === 'logs') {
    return [{ key: '↑↓', label: 'scroll' }, { key: 'G', label: 'follow' }, { key: 'l', label: 'resources' }, ...shared];
  }
  return [
    { key: '↑↓', label: 'move' },
    { key: 'enter', label: ui.showDetail ? 'hide detail' : 'detail' },
    { key: 'l', label: 'logs' },
    ...shared,
  ];
}
