import { Box, Text } from 'ink';
import type { DetailView as Detail } from '../view-model.ts';
import { TimelineBars } from './timeline-bars.tsx';

/** The selected resource: its diagnosis and the fix, the cache decision per image, the iteration's timeline. */
export function DetailView({ detail }: { readonly detail: Detail }) {
  const { problem } = detail;
  return (
    <Box flexDirection="column" height={detail.height}>
      <Text wrap="truncate-end">
        <Text bold>{detail.name}</Text>
        <Text color={detail.color}> · {detail.phaseText}</Text>
        {detail.dependsOn.length > 0 ? <Text dimColor> · after {detail.dependsOn.join(', ')}</Text> : null}
      </Text>
      {detail.waiting ? (
        <Text color="yellow" wrap="truncate-end">
          waiting: {detail.waiting}
        </Text>
      ) : null}
      {problem ? (
        <Text color="red" wrap="truncate-end">
          {problem.message ? `${problem.reason}: ${problem.message}` : problem.reason}
        </Text>
      ) : null}
      {problem?.fix ? (
        <Text wrap="truncate-end">
          <Text color="green" bold>
            fix:{' '}
          </Text>
          {problem.fix}
        </Text>
      ) : null}
      {problem && problem.hiddenDetails > 0 ? (
        <Text dimColor wrap="truncate-end">
          {'  '}… {problem.hiddenDetails} earlier lines
        </Text>
      ) : null}
      {problem?.details.map((line, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: detail lines have no identity beyond their position
        <Text key={i} dimColor wrap="truncate-end">
          {'  │ '}
          {line}
        </Text>
      ))}
      {detail.images.map((line) => (
        <Text key={line} wrap="truncate-end">
          {line}
        </Text>
      ))}
      {detail.timeline ? <TimelineBars timeline={detail.timeline} /> : null}
    </Box>
  );
}
