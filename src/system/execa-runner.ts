import { execa } from 'execa';
import type { ProcessRunner, RunOptions, RunResult } from './process-runner.ts';

/**
 * The real `ProcessRunner`. Each child runs in its own process group
 * (`killDescendants`), so cancelling a build also stops what docker started,
 * and `cleanup` kills children when devloop exits.
 */
export class ExecaRunner implements ProcessRunner {
  async run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const started = performance.now();
    const child = execa(command, args, {
      cwd: options.cwd,
      env: options.env,
      extendEnv: true,
      input: options.input,
      stdin: options.input === undefined ? 'ignore' : 'pipe',
      cancelSignal: options.signal,
      timeout: options.timeoutMs,
      killDescendants: true,
      forceKillAfterDelay: 1500,
      cleanup: true,
      reject: false,
      stripFinalNewline: true,
      maxBuffer: 64 * 1024 * 1024,
      buffer: options.keepOutput ?? true,
    });
    if (options.onSpawn) child.nodeChildProcess.once('spawn', options.onSpawn);
    // Output nobody keeps or reads must still be drained, or a chatty process blocks on a full pipe.
    if (options.keepOutput === false && !options.onLine) {
      child.stdout?.resume();
      child.stderr?.resume();
    }
    if (options.onLine) {
      const onLine = options.onLine;
      for (const [stream, name] of [
        [child.stdout, 'stdout'],
        [child.stderr, 'stderr'],
      ] as const) {
        let rest = '';
        stream?.setEncoding('utf8');
        stream?.on('data', (chunk: string) => {
          const parts = (rest + chunk).split(/\r?\n/);
          rest = parts.pop() ?? '';
          for (const line of parts) onLine(line, name);
        });
        stream?.on('end', () => {
          if (rest) onLine(rest, name);
          rest = '';
        });
      }
    }
    const result = await child;
    const notFound = (result as { code?: string }).code === 'ENOENT';
    return {
      command,
      args,
      exitCode: result.exitCode,
      stdout: typeof result.stdout === 'string' ? result.stdout : '',
      stderr: typeof result.stderr === 'string' ? result.stderr : '',
      notFound,
      cancelled: Boolean(result.isCanceled || result.timedOut),
      durationMs: performance.now() - started,
    };
  }
}
