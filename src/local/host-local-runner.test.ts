import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type TempProject, tempProject } from '../../test/support/temp-project.ts';
import type { ResolvedLocalCommand } from '../config/resolved-config.ts';
import { ExecaRunner } from '../system/execa-runner.ts';
import { NodeFileSystem } from '../system/node-file-system.ts';
import { exists } from '../system/pid-exists.test-support.ts';
import { HostLocalRunner } from './host-local-runner.ts';

let project: TempProject;
afterEach(() => project?.remove());

function runnerFor(commands: Record<string, Partial<ResolvedLocalCommand> & { command: string[] }>) {
  project = tempProject({ 'api/schema.yaml': 'openapi: 3.1\n' });
  const resolved = Object.fromEntries(
    Object.entries(commands).map(([name, c]) => [
      name,
      { name, deps: [], serve: false, cwd: project.dir, env: {}, dependsOn: [], trigger: 'auto' as const, ...c },
    ]),
  );
  return new HostLocalRunner({ commands: resolved, runner: new ExecaRunner(), fs: new NodeFileSystem() });
}

describe('HostLocalRunner', () => {
  it('runs the command in its directory with its variables, line by line, and answers its exit code', async () => {
    const runner = runnerFor({ gen: { command: ['sh', '-c', 'pwd; echo "$TARGET"; echo oops >&2; exit 4'], env: { TARGET: 'client' } } });
    const lines: string[] = [];
    let started = false;
    const exit = await runner.run('gen', {
      signal: new AbortController().signal,
      onLine: (line) => lines.push(line),
      onStarted: () => {
        started = true;
      },
    });
    expect(exit).toMatchObject({ exitCode: 4, notFound: false, cancelled: false });
    expect(started).toBe(true);
    expect(lines.sort()).toEqual([project.dir, 'client', 'oops'].sort());
  });

  it('never goes through a shell, and says when the program does not exist', async () => {
    const runner = runnerFor({ echo: { command: ['printf', '%s', '$HOME; rm -rf /'] }, missing: { command: ['devloop-no-such-tool'] } });
    const lines: string[] = [];
    const signal = new AbortController().signal;
    expect((await runner.run('echo', { signal, onLine: (l) => lines.push(l) })).exitCode).toBe(0);
    expect(lines).toEqual(['$HOME; rm -rf /']);
    expect(await runner.run('missing', { signal, onLine: () => undefined })).toMatchObject({ notFound: true, exitCode: undefined });
  });

  it('kills the command and what it started when cancelled', async () => {
    const runner = runnerFor({ web: { command: ['sh', '-c', 'sleep 30 & echo $! > child.pid; echo up; wait'] } });
    const abort = new AbortController();
    const exit = await runner.run('web', {
      signal: abort.signal,
      onLine: (line) => {
        if (line === 'up') abort.abort();
      },
    });
    expect(exit.cancelled).toBe(true);
    const child = Number(readFileSync(path.join(project.dir, 'child.pid'), 'utf8'));
    const deadline = Date.now() + 5000;
    while (exists(child) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(exists(child)).toBe(false);
  });

  it('tells when a file last changed, and nothing for a file that is gone', async () => {
    const runner = runnerFor({});
    const before = Date.now();
    project.write('api/schema.yaml', 'openapi: 3.1.1\n');
    const changedAt = await runner.changedAt(path.join(project.dir, 'api/schema.yaml'));
    expect(changedAt).toBeGreaterThanOrEqual(before - 50);
    expect(await runner.changedAt(path.join(project.dir, 'nothing.txt'))).toBeUndefined();
  });
});
