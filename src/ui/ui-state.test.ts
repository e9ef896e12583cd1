import { describe, expect, it } from 'vitest';
import { handleKey, initialUiState, type KeyPress, type UiState } from './ui-state.ts';

const context = { resourceNames: ['db', 'api', 'web'], logPageSize: 10 };
const press = (ui: UiState, input: string, key: KeyPress = {}) => handleKey(ui, input, key, context);
const type = (ui: UiState, ...inputs: [string, KeyPress?][]) => inputs.reduce((u, [input, key]) => press(u, input, key).ui, ui);

describe('handleKey', () => {
  it('moves the selection with arrows and j/k, within the list', () => {
    expect(press(initialUiState, '', { downArrow: true }).ui.selected).toBe(1);
    expect(type(initialUiState, ['j'], ['j'], ['j'], ['j']).selected).toBe(2);
    expect(type(initialUiState, ['j'], ['k'], ['k']).selected).toBe(0);
    expect(press({ ...initialUiState, selected: 1 }, '', { upArrow: true }).ui.selected).toBe(0);
  });

  it('toggles the detail with Enter and d, and Esc closes it', () => {
    const open = press(initialUiState, '', { return: true }).ui;
    expect(open.showDetail).toBe(true);
    expect(press(open, 'd').ui.showDetail).toBe(false);
    expect(press(open, '', { escape: true }).ui.showDetail).toBe(false);
  });

  it('focuses the logs with l, scrolls there, and switches the scope with a', () => {
    const logs = press(initialUiState, 'l').ui;
    expect(logs.focus).toBe('logs');
    const scrolled = type(logs, ['k'], ['', { upArrow: true }], ['', { pageUp: true }]);
    expect(scrolled.logOffset).toBe(11);
    expect(press(scrolled, '', { pageDown: true }).ui.logOffset).toBe(2);
    expect(press(scrolled, 'G').ui.logOffset).toBe(0);
    expect(scrolled.selected).toBe(0);
    expect(press(logs, 'a').ui.logScope).toBe('selected');
    expect(press(press(logs, 'a').ui, 'a').ui.logScope).toBe('all');
    expect(press(logs, 'l').ui.focus).toBe('resources');
    expect(press(logs, '', { escape: true }).ui.focus).toBe('resources');
  });

  it('types a filter after /, with backspace; Enter keeps it and Esc clears it', () => {
    const typed = type(initialUiState, ['/'], ['e'], ['r'], ['x'], ['', { backspace: true }], ['r']);
    expect(typed).toMatchObject({ editingFilter: true, logFilter: 'err' });
    // keys that mean something else outside the filter are text inside it
    expect(type(typed, ['q'], ['t']).logFilter).toBe('errqt');
    expect(press(typed, 'q').command).toBeUndefined();
    const kept = press(typed, '', { return: true }).ui;
    expect(kept).toMatchObject({ editingFilter: false, logFilter: 'err' });
    expect(press(typed, '', { escape: true }).ui).toMatchObject({ editingFilter: false, logFilter: '' });
    expect(press(kept, '', { escape: true }).ui.logFilter).toBe('');
    expect(type(initialUiState, ['/'], ['pasted text']).logFilter).toBe('pasted text');
  });

  it('asks for a rebuild of the selected resource with t', () => {
    expect(press({ ...initialUiState, selected: 2 }, 't').command).toEqual({ type: 'trigger', resource: 'web' });
    expect(press({ ...initialUiState, selected: 9 }, 't').command).toEqual({ type: 'trigger', resource: 'web' });
    expect(handleKey(initialUiState, 't', {}, { resourceNames: [], logPageSize: 5 }).command).toBeUndefined();
  });

  it('pauses with p and quits with q or Ctrl-C, even while typing a filter', () => {
    expect(press(initialUiState, 'p').command).toEqual({ type: 'toggle-pause' });
    expect(press(initialUiState, 'q').command).toEqual({ type: 'quit' });
    expect(press(initialUiState, 'c', { ctrl: true }).command).toEqual({ type: 'quit' });
    expect(press({ ...initialUiState, editingFilter: true }, 'c', { ctrl: true }).command).toEqual({ type: 'quit' });
  });

  it('leaves the state alone for unknown keys', () => {
    expect(press(initialUiState, 'z').ui).toBe(initialUiState);
  });
});
