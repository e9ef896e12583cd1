import { Box, Text } from 'ink';
import type { TimelineView } from '../timeline-view.ts';

const phaseColor = {
  plan: 'magenta',
  sync: 'greenBright',
  build: 'cyan',
  deliver: 'blue',
  apply: 'yellow',
  patch: 'yellow',
  rollout: 'green',
} as const;

/** An iteration drawn as bars on one time axis: where each phase started after the change was seen, and how long it took. */
export function TimelineBars({ timeline }: { readonly timeline: TimelineView }) {
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text bold>iteration {timeline.iteration}</Text>
        <Text dimColor> ({timeline.label}) · </Text>
        <Text>
          {timeline.ready ? 'edit-to-ready' : 'elapsed'} {timeline.totalText}
        </Text>
      </Text>
      {timeline.bars.map((bar) => (
        <Text key={bar.name} wrap="truncate-end">
          <Text>{bar.name.padEnd(8)}</Text>
          <Text>{' '.repeat(bar.offset)}</Text>
          <Text color={phaseColor[bar.name]}>{(bar.running ? '▒' : '█').repeat(bar.width)}</Text>
          <Text>{' '.repeat(Math.max(0, timeline.width - bar.offset - bar.width))}</Text>
          <Text dimColor>
            {' '}
            {bar.durationText}
            {bar.running ? '…' : ''}
            {bar.process ? ` ${bar.process}` : ''}
          </Text>
        </Text>
      ))}
    </Box>
  );
}
