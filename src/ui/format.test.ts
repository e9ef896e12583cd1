import { describe, expect, it } from 'vitest';
import { formatDuration, sanitizeLine, shortPod, shortTag, truncate } from './format.ts';

describe('format helpers', () => {
  it('formats durations for a column', () => {
    expect([0, 850, 999.6, 1000, 2400, 59_949, 65_000, 3_600_000].map(formatDuration)).toEqual([
      '0ms',
      '850ms',
      '1.0s',
      '1.0s',
      '2.4s',
      '59.9s',
      '1m05s',
      '60m00s',
    ]);
  });

  it('shortens tags and pod names', () => {
    expect(shortTag('dl-3f9a1b2c4d5e')).toBe('3f9a1b2');
    expect(shortTag('v1.2.3')).toBe('v1.2.3');
    expect(shortTag('a-very-long-human-tag')).toBe('a-very-long…');
    expect(shortPod('hello-7d9c6b5f4-x2k8q')).toBe('hello-x2k8q');
    expect(shortPod('db-0')).toBe('db-0');
  });

  it('makes container output safe for a fixed-height pane', () => {
    expect(sanitizeLine('\u001b[31merror\u001b[0m: boom')).toBe('error: boom');
    expect(sanitizeLine('a\tb')).toBe('a  b');
    expect(sanitizeLine('10%\r50%\r100%\r')).toBe('100%');
    expect(sanitizeLine('bell\u0007 and\u001b]0;title\u0007 osc')).toBe('bell and osc');
    expect(sanitizeLine('two\nlines')).toBe('two lines');
  });

  it('masks credentials and tokens, as every printed line', () => {
    expect(sanitizeLine('API at https://admin:pw@10.0.0.5:6443 not reachable')).toBe('API at https://***@10.0.0.5:6443 not reachable');
    expect(sanitizeLine('DB_PASSWORD=hunter2 started')).toBe('DB_PASSWORD=*** started');
  });

  it('truncates with an ellipsis', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 4)).toBe('abc');
    expect(truncate('abc', 0)).toBe('');
  });
});
