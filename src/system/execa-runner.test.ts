import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { type TempProject, tempProject } from '../../test/support/temp-project.ts';
import { ExecaRunner } from './execa-runner.ts';
import { exists } from './pid-exists.test-support.ts';
import { succeeded } from './process-runner.ts';

const runner = new ExecaRunner();
const sh = (script: string, options: Parameters<ExecaRunner['run']>[2] = {}) => runner.run('sh', ['-c', script, 'sh'], options);

let project: TempProject;
afterEach(() => project?.remove());

describe('ExecaRunner', () => {
  it('answers the exit code and both outputs, without their final newline', async () => {
    const result = await sh('echo out; echo err >&2; exit 3');
    expect(result).toMatchObject({ command: 'sh', exitCode: 3, stdout: 'out', stderr: 'err', notFound: false, cancelled: false });
    expect(result.durationMs).toBeGreaterThan(0);
    expect(succeeded(result)).toBe(false);
    expect(succeeded(await sh('true'))).toBe(true);
  });

  it('passes arguments as they are, never through a shell', async () => {
    const result = await runner.run('printf', ['%s|', 'a b', '$HOME', "it's", '; rm -rf /']);
    expect(result.stdout).toBe("a b|$HOME|it's|; rm -rf /|");
  });

  it('says when the program does not exist, rather than failing', async () => {
    const result = await runner.run('devloop-no-such-program', ['x']);
    expect(result).toMatchObject({ exitCode: undefined, notFound: true, cancelled: false });
    expect(succeeded(result)).toBe(false);
  });

  it('runs in the given directory, with extra variables over the current ones, and writes input to stdin', async () => {
    project = tempProject();
    const result = await sh('pwd; echo "$EXTRA"; test -n "$PATH" && echo path; cat', {
      cwd: project.dir,
      env: { EXTRA: 'set' },
      input: 'from stdin',
    });
    expect(result.stdout.split('\n')).toEqual([expect.stringMatching(/devloop-test-/), 'set', 'path', 'from stdin']);
    expect((await sh('cat')).stdout).toBe('');
  });

  it('hands over each output line as it arrives, the last one even without a newline', async () => {
    const lines: string[] = [];
    await sh("printf 'a\\r\\nb\\n'; printf 'e1\\n' >&2; printf 'c'", { onLine: (line, stream) => lines.push(`${stream}:${line}`) });
    expect(lines.filter((l) => l.startsWith('stdout:'))).toEqual(['stdout:a', 'stdout:b', 'stdout:c']);
    expect(lines.filter((l) => l.startsWith('stderr:'))).toEqual(['stderr:e1']);
  });

  it('says when the program started, and may hand its output to onLine only', async () => {
    const events: string[] = [];
    const result = await sh('echo one; echo two >&2', {
      keepOutput: false,
      onSpawn: () => events.push('spawned'),
      onLine: (line) => events.push(line),
    });
    expect(events[0]).toBe('spawned');
    expect(events.slice(1).sort()).toEqual(['one', 'two']);
    expect(result).toMatchObject({ exitCode: 0, stdout: '', stderr: '' });
    const silent = await sh('yes | head -c 1000000', { keepOutput: false });
    expect(silent.exitCode).toBe(0);
    let spawned = false;
    await runner.run('devloop-no-such-program', [], { onSpawn: () => (spawned = true) });
    expect(spawned).toBe(false);
  });

  it('stops a program that runs past its time, and says it was cancelled', async () => {
    const result = await sh('sleep 30', { timeoutMs: 200 });
    expect(result).toMatchObject({ exitCode: undefined, cancelled: true });
    expect(result.durationMs).toBeLessThan(10_000);
  });

  it('on abort kills the program and what it started', async () => {
    project = tempProject();
    const controller = new AbortController();
    const pidFile = `${project.dir}/grandchild.pid`;
    const lines: string[] = [];
    const running = sh(`sleep 30 & echo $! > ${pidFile}; echo started; wait`, {
      signal: controller.signal,
      onLine: (line) => {
        lines.push(line);
        if (line === 'started') controller.abort();
      },
    });
    const result = await running;
    expect(result.cancelled).toBe(true);
    expect(lines).toEqual(['started']);
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    const deadline = Date.now() + 5000;
    while (exists(grandchild) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(exists(grandchild)).toBe(false);
  });
});
