import { Box, Text } from 'ink';
import type { LogRow } from '../log-view.ts';
import type { LogPaneView } from '../view-model.ts';

/**
 * A fixed-height live region for the log tail (not `<Static>`: the pane
 * scrolls, filters and switches scope, so its rows are redrawn, never appended).
 */
export function LogPane({ pane, rows }: { readonly pane: LogPaneView; readonly rows: readonly LogRow[] }) {
  return (
    <Box flexDirection="column" height={pane.height + 1}>
      <Text wrap="truncate-end" color={pane.focused ? 'cyan' : 'gray'} bold={pane.focused}>
        ── {pane.title} ──
      </Text>
      {rows.length === 0 ? (
        <Text dimColor wrap="truncate-end">
          {pane.filter ? 'no lines match the filter' : 'no log lines yet'}
        </Text>
      ) : null}
      {rows.map((row) => (
        <Text key={row.key} wrap="truncate-end">
          <Text color={row.color}>{row.prefix}</Text>
          <Text> {row.text}</Text>
        </Text>
      ))}
    </Box>
  );
}
