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

  it('keeps a line for several resources in each one, and shows it once where they merge', () => {
    const logs = new LogStore();
    const heard: string[] = [];
    logs.subscribe((l) => heard.push(`${l.resource}:${l.text}`));
    logs.appendToEach(['web', 'worker'], { pod: 'build', container: 'web', timestamp: '', text: '#5 COPY . /app', source: 'build' });
    logs.append(line('up', '2025-01-01T00:00:00.1Z'));
    expect(logs.tail({ resource: 'web', limit: 10 }).map((l) => l.text)).toEqual(['#5 COPY . /app', 'up']);
    expect(logs.tail({ resource: 'worker', limit: 10 }).map((l) => `${l.resource}:${l.text}`)).toEqual(['worker:#5 COPY . /app']);
    expect(logs.tail({ limit: 10 }).map((l) => l.text)).toEqual(['#5 COPY . /app', 'up']);
    expect(logs.tail({ limit: 1 }).map((l) => l.text)).toEqual(['up']);
    expect(heard).toEqual(['web:#5 COPY . /app', 'web:up']);
  });

  it('keeps notices (no pod) even when they repeat', () => {
    const logs = new LogStore();
    const notice = { resource: 'devloop', pod: '', container: '', timestamp: '2025-01-01T00:00:00Z', text: 'x' };
    logs.append(notice);
    logs.append(notice);
    expect(logs.tail({ resource: 'devloop', limit: 10 })).toHaveLength(2);
  });
});
