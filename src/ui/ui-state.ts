/**
 * What the person at the terminal chose to look at. Kept apart from the
 * engine state: the engine never learns which row is selected, and keys only
 * change this or ask the engine (through callbacks) to do something.
 */
export interface UiState {
  /** Index into the resource list (clamped by the view). */
  readonly selected: number;
  readonly focus: 'resources' | 'logs';
  /** Case-insensitive substring the log pane keeps. */
  readonly logFilter: string;
  readonly logScope: 'all' | 'selected';
  readonly showDetail: boolean;
  /** True while `/` is collecting the filter text. */
  readonly editingFilter: boolean;
  /** Lines scrolled back from the end of the log; 0 follows new lines. */
  readonly logOffset: number;
}

/** Where the UI starts: first resource, following all logs. */
export const initialUiState: UiState = {
  selected: 0,
  focus: 'resources',
  logFilter: '',
  logScope: 'all',
  showDetail: false,
  editingFilter: false,
  logOffset: 0,
};

/** The subset of ink's `Key` the key map reads, so tests need not build all of it. */
export interface KeyPress {
  readonly upArrow?: boolean;
  readonly downArrow?: boolean;
  readonly pageUp?: boolean;
  readonly pageDown?: boolean;
  readonly home?: boolean;
  readonly end?: boolean;
  readonly return?: boolean;
  readonly escape?: boolean;
  readonly ctrl?: boolean;
  readonly meta?: boolean;
  readonly tab?: boolean;
  readonly backspace?: boolean;
  readonly delete?: boolean;
}

/** Something the key asks of the world outside the UI. */
export type KeyCommand =
  | { readonly type: 'trigger'; readonly resource: string }
  | { readonly type: 'toggle-pause' }
  | { readonly type: 'quit' };

/** A key's effect: the next UI state and, at most, one command. */
export interface KeyResult {
  readonly ui: UiState;
  readonly command: KeyCommand | undefined;
}

/** What the key map needs to know about the screen. */
export interface KeyContext {
  readonly resourceNames: readonly string[];
  /** Rows of the log pane, for page up/down. */
  readonly logPageSize: number;
}

/**
 * The key map, pure: ↑/↓ or j/k move (or scroll the log when it has focus),
 * Enter/d toggle the detail, l switches focus to the log and back, a switches
 * the log between all resources and the selected one, / types a filter (Enter
 * keeps it, Esc clears it), t asks for a rebuild of the selected resource, p
 * pauses or resumes watching, q or Ctrl-C quits.
 */
export function handleKey(ui: UiState, input: string, key: KeyPress, context: KeyContext): KeyResult {
  const same = { ui, command: undefined };
  const next = (patch: Partial<UiState>): KeyResult => ({ ui: { ...ui, ...patch }, command: undefined });
  if (key.ctrl && input === 'c') return { ui, command: { type: 'quit' } };

  if (ui.editingFilter) {
    if (key.escape) return next({ editingFilter: false, logFilter: '', logOffset: 0 });
    if (key.return) return next({ editingFilter: false });
    if (key.backspace || key.delete) return next({ logFilter: ui.logFilter.slice(0, -1), logOffset: 0 });
    if (key.ctrl || key.meta || key.tab || key.upArrow || key.downArrow) return same;
    // biome-ignore lint/suspicious/noControlCharactersInRegex: typed text keeps printable characters only
    const printable = input.replace(/[\u0000-\u001f\u007f]/g, '');
    return printable ? next({ logFilter: ui.logFilter + printable, logOffset: 0 }) : same;
  }

  const count = context.resourceNames.length;
  const selected = Math.min(Math.max(ui.selected, 0), Math.max(count - 1, 0));
  const page = Math.max(1, context.logPageSize - 1);
  const up = key.upArrow || input === 'k';
  const down = key.downArrow || input === 'j';

  if (ui.focus === 'logs') {
    if (up) return next({ logOffset: ui.logOffset + 1 });
    if (down) return next({ logOffset: Math.max(0, ui.logOffset - 1) });
    if (key.pageUp) return next({ logOffset: ui.logOffset + page });
    if (key.pageDown) return next({ logOffset: Math.max(0, ui.logOffset - page) });
    if (key.end || input === 'G') return next({ logOffset: 0 });
  } else {
    if (up) return next({ selected: Math.max(0, selected - 1), logOffset: ui.logScope === 'selected' ? 0 : ui.logOffset });
    if (down)
      return next({ selected: Math.min(Math.max(count - 1, 0), selected + 1), logOffset: ui.logScope === 'selected' ? 0 : ui.logOffset });
    if (key.home) return next({ selected: 0 });
    if (key.end) return next({ selected: Math.max(count - 1, 0) });
  }

  if (key.escape) {
    if (ui.logFilter) return next({ logFilter: '', logOffset: 0 });
    if (ui.focus === 'logs') return next({ focus: 'resources' });
    if (ui.showDetail) return next({ showDetail: false });
    return same;
  }
  if (key.return || input === 'd') return next({ showDetail: !ui.showDetail });
  if (key.tab || input === 'l') return next({ focus: ui.focus === 'logs' ? 'resources' : 'logs' });
  if (input === 'a') return next({ logScope: ui.logScope === 'all' ? 'selected' : 'all', logOffset: 0 });
  if (input === '/') return next({ editingFilter: true });
  if (input === 'p') return { ui, command: { type: 'toggle-pause' } };
  if (input === 'q') return { ui, command: { type: 'quit' } };
  if (input === 't') {
    const name = context.resourceNames[selected];
    return name === undefined ? same : { ui, command: { type: 'trigger', resource: name } };
  }
  return same;
}
