import { Box, Text } from 'ink';
import type { HeaderView } from '../view-model.ts';

/** Top line: watching or paused, iteration, summary; then a watcher error, and config problems while the last good config runs. */
export function Header({ header }: { readonly header: HeaderView }) {
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text bold>devloop</Text>
        <Text> · </Text>
        <Text color={header.watch === 'paused' || header.stopping ? 'yellow' : header.watch === 'watching' ? 'green' : 'gray'}>
          {header.watchText}
        </Text>
        {header.iteration > 0 ? <Text> · iteration {header.iteration}</Text> : null}
        <Text> · {header.summary}</Text>
        {header.lastChanges ? <Text dimColor> · changed {header.lastChanges}</Text> : null}
      </Text>
      {header.watchError ? (
        <Text color="red" wrap="truncate-end">
          watch error: {header.watchError}
        </Text>
      ) : null}
      {header.configProblems.length > 0 ? (
        <Text color="red" wrap="truncate-end">
          config has errors; the last good config keeps running:
        </Text>
      ) : null}
      {header.configProblems.map((line, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: lines have no identity beyond their position
        <Text key={i} color="red" wrap="truncate-end">
          {'  '}
          {line}
        </Text>
      ))}
      {header.hiddenConfigProblems > 0 ? (
        <Text color="red" dimColor wrap="truncate-end">
          {'  '}… {header.hiddenConfigProblems} more
        </Text>
      ) : null}
    </Box>
  );
}
