import { describe, expect, it } from 'vitest';
import { type RunResult, succeeded } from './process-runner.ts';

const result = (changes: Partial<RunResult>): RunResult => ({
  command: 'docker',
  args: ['version'],
  exitCode: 0,
  stdout: '',
  stderr: '',
  notFound: false,
  cancelled: false,
  durationMs: 1,
  ...changes,
});

describe('succeeded', () => {
  it('only for a program that ran and exited 0', () => {
    expect(succeeded(result({}))).toBe(true);
    expect(succeeded(result({ exitCode: 1 }))).toBe(false);
    expect(succeeded(result({ exitCode: undefined }))).toBe(false);
    expect(succeeded(result({ exitCode: undefined, notFound: true }))).toBe(false);
    expect(succeeded(result({ cancelled: true }))).toBe(false);
  });
});
