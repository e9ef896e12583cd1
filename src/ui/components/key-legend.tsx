import { Text } from 'ink';
import type { LegendItem } from '../view-model.ts';

/** The keys that work right now, on one line. */
export function KeyLegend({ items }: { readonly items: readonly LegendItem[] }) {
  return (
    <Text wrap="truncate-end">
      {items.map((item, i) => (
        <Text key={item.key}>
          {i > 0 ? <Text>{'  '}</Text> : null}
          <Text bold>{item.key}</Text>
          <Text dimColor> {item.label}</Text>
        </Text>
      ))}
    </Text>
  );
}
