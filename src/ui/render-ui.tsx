import { render } from 'ink';
import { App, type EngineSource, type LogSource } from './app.tsx';

export interface RenderUiOptions {
  readonly store: EngineSource;
  readonly logs: LogSource;
  /** Defaults to the process's own streams. */
  readonly stdout?: NodeJS.WriteStream;
  readonly stdin?: NodeJS.ReadStream;
  readonly stderr?: NodeJS.WriteStream;
  readonly onTrigger: (resource: string) => void;
  readonly onTogglePause: () => void;
  /** q, and Ctrl-C (ink does not exit on its own: the caller stops the engine, then unmounts). */
  readonly onQuit: () => void;
  readonly onError?: (error: Error) => void;
  /** Passed to ink; leave unset to let ink detect a terminal. */
  readonly interactive?: boolean;
  /** Route stray `console.*` output of libraries above the screen instead of through it (default true; needs real streams). */
  readonly patchConsole?: boolean;
}

/** The running screen. */
export interface UiHandle {
  /** Removes the screen and gives the terminal back (cursor shown, raw mode off, console restored). */
  unmount(): Promise<void>;
  /** Settles once the screen is gone. */
  waitUntilExit(): Promise<unknown>;
}

/**
 * Mounts the terminal UI for `devloop up`. Ctrl-C arrives as a key (raw mode)
 * and goes to `onQuit`, so the caller decides how to stop.
 */
export function renderUi(options: RenderUiOptions): UiHandle {
  const instance = render(
    <App
      store={options.store}
      logs={options.logs}
      onTrigger={options.onTrigger}
      onTogglePause={options.onTogglePause}
      onQuit={options.onQuit}
      onError={options.onError}
    />,
    {
      ...(options.stdout ? { stdout: options.stdout } : {}),
      ...(options.stdin ? { stdin: options.stdin } : {}),
      ...(options.stderr ? { stderr: options.stderr } : {}),
      ...(options.interactive === undefined ? {} : { interactive: options.interactive }),
      exitOnCtrlC: false,
      patchConsole: options.patchConsole ?? true,
      maxFps: 20,
    },
  );
  let unmounted: Promise<void> | undefined;
  return {
    unmount: () => {
      unmounted ??= (async () => {
        instance.unmount();
        await instance.waitUntilExit().catch(() => undefined);
        instance.cleanup();
      })();
      return unmounted;
    },
    waitUntilExit: () => instance.waitUntilExit(),
  };
}
