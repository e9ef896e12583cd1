import { Box, Text } from 'ink';
import type { ResourceRow, View } from '../view-model.ts';

/** The resources, one line each: status, phase (spinning while busy), why it waits, edit-to-ready, image, pods. */
export function ResourceList({
  rows,
  columns,
  hidden,
}: {
  readonly rows: readonly ResourceRow[];
  readonly columns: View['columns'];
  readonly hidden: View['rowsHidden'];
}) {
  if (rows.length === 0) {
    return (
      <Text dimColor wrap="truncate-end">
        no resources yet
      </Text>
    );
  }
  return (
    <Box flexDirection="column">
      {rows.map((row, i) => (
        <Row
          key={row.name}
          row={row}
          columns={columns}
          more={i === 0 && hidden.above > 0 ? '↑' : i === rows.length - 1 && hidden.below > 0 ? '↓' : ' '}
        />
      ))}
    </Box>
  );
}

function Row({ row, columns, more }: { readonly row: ResourceRow; readonly columns: View['columns']; readonly more: string }) {
  const status = row.problem ? row.problem : row.waiting;
  return (
    <Box width={columns.total}>
      <Box width={2} flexShrink={0}>
        <Text color={row.selected ? 'white' : 'gray'} bold={row.selected}>
          {row.selected ? '›' : more}
        </Text>
      </Box>
      <Box width={2} flexShrink={0}>
        <Text color={row.color}>{row.glyph}</Text>
      </Box>
      <Box width={columns.name + 1} flexShrink={0}>
        <Text bold={row.selected} wrap="truncate-end">
          {row.name}
        </Text>
      </Box>
      <Box flexGrow={1} flexShrink={1} minWidth={8}>
        <Text wrap="truncate-end">
          {row.spinning ? <Text color="cyan">{row.spinner} </Text> : null}
          <Text color={row.phaseColor}>{row.phaseText}</Text>
          {status ? <Text color={row.problem ? 'red' : 'yellow'}> · {status}</Text> : null}
        </Text>
      </Box>
      <Box width={8} flexShrink={0} justifyContent="flex-end">
        <Text dimColor={row.editToReady === undefined}>{row.editToReady ?? '—'}</Text>
      </Box>
      {columns.images > 0 ? (
        <Box width={columns.images + 2} flexShrink={0} justifyContent="flex-end">
          <Text dimColor wrap="truncate-start">
            {row.images}
          </Text>
        </Box>
      ) : null}
      <Box width={6} flexShrink={0} justifyContent="flex-end">
        <Text color={row.pods && row.phase === 'ready' ? 'green' : undefined} dimColor={!row.pods}>
          {row.pods ?? ''}
        </Text>
      </Box>
    </Box>
  );
}
