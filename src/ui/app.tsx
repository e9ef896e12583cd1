import { Box, useInput, useStdin, useWindowSize } from 'ink';
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { unreachable } from '../core/unreachable.ts';
import type { LogStore } from '../engine/log-store.ts';
import { isBusy } from '../engine/phase.ts';
import type { Store } from '../engine/store.ts';
import { DetailView } from './components/detail-view.tsx';
import { Header } from './components/header.tsx';
import { KeyLegend } from './components/key-legend.tsx';
import { LogPane } from './components/log-pane.tsx';
import { ResourceList } from './components/resource-list.tsx';
import { ErrorBoundary } from './error-boundary.tsx';
import { logQueryLimit, toLogRows } from './log-view.ts';
import { ThrottledSource } from './throttled-source.ts';
import { handleKey, initialUiState, type KeyCommand, type UiState } from './ui-state.ts';
import { listedNames, toView, type ViewSize } from './view-model.ts';

/** What the UI reads of the engine: the store's read side only. */
export type EngineSource = Pick<Store, 'getState' | 'subscribe'>;
/** What the UI reads of the log store. */
export type LogSource = Pick<LogStore, 'tail' | 'subscribe'>;

export interface AppProps {
  readonly store: EngineSource;
  readonly logs: LogSource;
  /** Asks the engine to rebuild and redeploy one resource now. */
  readonly onTrigger: (resource: string) => void;
  readonly onTogglePause: () => void;
  readonly onQuit: () => void;
  /** Told when the screen itself crashed (the error boundary caught it). */
  readonly onError?: (error: Error) => void;
  /** Shortest time between two redraws caused by the store or the logs; 0 redraws on every change. Default 50 (20 frames/s). */
  readonly redrawIntervalMs?: number;
  /** Spinner and elapsed-time tick while something is busy; 0 turns it off. Default 100. */
  readonly tickMs?: number;
  readonly clock?: () => number;
  /** Fixed screen size; by default the terminal's, following resizes. */
  readonly size?: ViewSize;
}

/**
 * The one connected component: it follows the store and the log store
 * (throttled, so a flood of lines or build output costs at most ~20 frames a
 * second), keeps the UI choices, maps keys to those choices or to the
 * callbacks, and hands plain props to the presentational components.
 */
export function App(props: AppProps) {
  return (
    <ErrorBoundary onQuit={props.onQuit} onError={props.onError}>
      <Screen {...props} />
    </ErrorBoundary>
  );
}

function Screen(props: AppProps) {
  const interval = props.redrawIntervalMs ?? 50;
  const [storeSource] = useState(() => new ThrottledSource(props.store, interval));
  const [logSource] = useState(() => new ThrottledSource(props.logs, interval));
  const state = useSyncExternalStore(storeSource.subscribe, props.store.getState);
  useSyncExternalStore(logSource.subscribe, logSource.getSnapshot);

  const [ui, setUi] = useState<UiState>(initialUiState);
  const uiRef = useRef(ui);
  uiRef.current = ui;

  const windowSize = useWindowSize();
  const size = props.size ?? { columns: windowSize.columns, rows: windowSize.rows };
  const now = (props.clock ?? Date.now)();
  const view = toView(state, ui, now, size);

  const [, setTick] = useState(0);
  const tickMs = props.tickMs ?? 100;
  const busy =
    Object.values(state.resources).some((r) => isBusy(r.phase) && !r.waiting) ||
    Object.values(state.locals).some((l) => l.status === 'running');
  useEffect(() => {
    if (!busy || tickMs <= 0) return;
    const timer = setInterval(() => setTick((n) => n + 1), tickMs);
    return () => clearInterval(timer);
  }, [busy, tickMs]);

  const { isRawModeSupported } = useStdin();
  const propsRef = useRef(props);
  propsRef.current = props;
  const keyContextRef = useRef({ resourceNames: listedNames(state), logPageSize: view.logs.height });
  keyContextRef.current = { resourceNames: listedNames(state), logPageSize: view.logs.height };
  useInput(
    (input, key) => {
      const result = handleKey(uiRef.current, input, key, keyContextRef.current);
      if (result.ui !== uiRef.current) {
        uiRef.current = result.ui;
        setUi(result.ui);
      }
      if (result.command) run(result.command, propsRef.current);
    },
    { isActive: isRawModeSupported },
  );

  const lines = props.logs.tail({ resource: view.logs.resource, limit: logQueryLimit(view.logs), filter: view.logs.filter || undefined });
  const logRows = toLogRows(lines, view.logs, view.logColors);

  return (
    <Box flexDirection="column" width={size.columns}>
      <Header header={view.header} />
      <ResourceList rows={view.rows} columns={view.columns} hidden={view.rowsHidden} />
      {view.detail ? <DetailView detail={view.detail} /> : null}
      <LogPane pane={view.logs} rows={logRows} />
      <KeyLegend items={view.legend} />
    </Box>
  );
}

function run(command: KeyCommand, props: AppProps): void {
  switch (command.type) {
    case 'trigger':
      props.onTrigger(command.resource);
      return;
    case 'toggle-pause':
      props.onTogglePause();
      return;
    case 'quit':
      props.onQuit();
      return;
    default:
      unreachable(command);
  }
}
