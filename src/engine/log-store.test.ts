import { describe, expect, it } from 'vitest';
import { LogStore } from './log-store.ts';

const line = (text: string, timestamp: string, pod = 'web-1') => ({ resource: 'web', pod, container: 'app', timestamp, text });

describe('LogStore', () => {
  it('drops a replayed line (same container, timestamp and text) so a reopened stream adds nothing twice', () => {
    const logs = new LogStore();
    logs.append(line('a', '2025-01-01T00:00:00.1Z'));
    logs.append(line('b', '2025-01-01T00:00:00.2Z'));
    // the stream opened again from the first line
    expect(logs.append(line('a', '2025-01-01T00:00:00.1Z'))).toBeUndefined();
    expect(logs.append(line('b', '2025-01-01T00:00:00.2Z'))).toBeUndefined();
    logs.append(line('c', '2025-01-01T00:00:00.3Z'));
    // another pod may print the same text at the same time
    logs.append(line('a', '2025-01-01T00:00:00.1Z', 'web-2'));
    expect(logs.tail({ resource: 'web', limit: 10 }).map((l) => `${l.pod}:${l.text}`)).toEqual([
      'web-1:a',
      'web-1:b',
      'web-1:c',
      'web-2:a',
    ]);
  });

  it('keeps notices (no pod) even when they repeat', () => {
    const logs = new LogStore();
    const notice = { resource: 'devloop', pod: '', container: '', timestamp: '2025-01-01T00:00:00Z', text: 'x' };
    logs.append(notice);
    logs.append(notice);
    expect(logs.tail({ resource: 'devloop', limit: 10 })).toHaveLength(2);
  });
});
