import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { successScript, t0 } from '../../test/support/engine-script.ts';
import type { Action } from '../engine/actions.ts';
import { LogStore } from '../engine/log-store.ts';
import { Store } from '../engine/store.ts';
import { renderUi } from './render-ui.tsx';

class FakeStdout extends EventEmitter {
  isTTY = true;
  columns = 80;
  rows = 20;
  output = '';
  write = (chunk: string, encoding?: unknown, callback?: () => void) => {
    this.output += chunk;
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') queueMicrotask(() => done());
    return true;
  };
}

class FakeStdin extends EventEmitter {
  isTTY = true;
  rawMode: boolean[] = [];
  #pending: string[] = [];
  setRawMode(mode: boolean) {
    this.rawMode.push(mode);
    return this;
  }
  setEncoding() {
    return this;
  }
  resume() {
    return this;
  }
  pause() {
    return this;
  }
  ref() {
    return this;
  }
  unref() {
    return this;
  }
  read() {
    return this.#pending.shift() ?? null;
  }
  type(data: string) {
    this.#pending.push(data);
    this.emit('readable');
  }
}

describe('renderUi', () => {
  it('draws on the given terminal, leaves Ctrl-C to the caller, and gives the terminal back on unmount', async () => {
    const stdout = new FakeStdout();
    const stdin = new FakeStdin();
    const store = new Store(t0);
    const onQuit = vi.fn();
    const ui = renderUi({
      store,
      logs: new LogStore(),
      stdout: stdout as unknown as NodeJS.WriteStream,
      stdin: stdin as unknown as NodeJS.ReadStream,
      onTrigger: vi.fn(),
      onTogglePause: vi.fn(),
      onQuit,
      interactive: true,
      patchConsole: false,
    });
    store.dispatch(successScript[0] as Action);
    await vi.waitFor(() => expect(stdout.output).toContain('hello'));
    expect(stdin.rawMode).toContain(true);

    stdin.type('\u0003');
    await vi.waitFor(() => expect(onQuit).toHaveBeenCalledTimes(1));

    await ui.unmount();
    await ui.unmount();
    await ui.waitUntilExit();
    expect(stdin.rawMode.at(-1)).toBe(false);
    expect(stdout.output).toContain('\u001b[?25h');
  });
});
