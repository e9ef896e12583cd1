import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { succeeded } from '../../src/system/process-runner.ts';
import { benchRunner, repoRoot } from './test-env.ts';

/** One line of `devloop up --output json`, with the time the bench read it. */
export interface JsonEvent {
  readonly event: string;
  readonly at?: number;
  readonly receivedAt: number;
  readonly [key: string]: unknown;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * `bin/devloop.js` runs the compiled dist/; builds it when a source file is
 * newer, so a child process measures the code in src/.
 */
export async function ensureBuilt(log: (line: string) => void): Promise<void> {
  const main = path.join(repoRoot, 'dist/cli/main.js');
  if (existsSync(main) && statSync(main).mtimeMs >= newestMtime(path.join(repoRoot, 'src'))) return;
  log('dist/ is older than src/: building it (tsc -p tsconfig.build.json, then the bundle)');
  const built = await benchRunner.run(path.join(repoRoot, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.build.json'], { cwd: repoRoot });
  if (!succeeded(built)) throw new Error(`tsc -p tsconfig.build.json failed:\n${built.stdout}${built.stderr}`);
  const bundled = await benchRunner.run(process.execPath, ['scripts/bundle.mjs'], { cwd: repoRoot });
  if (!succeeded(bundled)) throw new Error(`scripts/bundle.mjs failed:\n${bundled.stdout}${bundled.stderr}`);
}

/** One program a child started, seen through a logging shim (epoch ms). */
export interface ShimCall {
  readonly command: string;
  readonly args: string;
  readonly startedAt: number;
  readonly endedAt: number;
}

/**
 * A directory of logging stand-ins for `docker` and `k3d` that record each
 * invocation with start and end times and run the real program: put first on
 * PATH, they count every docker and k3d process a devloop child starts,
 * and the time spent in them.
 */
export function commandShims(dir: string, commands: readonly string[] = ['docker', 'k3d']): { binDir: string; calls(): ShimCall[] } {
  const binDir = path.join(dir, 'shim-bin');
  const logFile = path.join(dir, 'calls.log');
  mkdirSync(binDir, { recursive: true });
  for (const command of commands) {
    const real = (process.env.PATH ?? '')
      .split(':')
      .filter((d) => d && d !== binDir)
      .map((d) => path.join(d, command))
      .find((f) => existsSync(f));
    if (!real) throw new Error(`${command} is not on PATH`);
    const script = [
      '#!/bin/sh',
      's=$(date +%s%3N)',
      `'${real}' "$@"`,
      'rc=$?',
      `printf '%s %s ${command} %s\\n' "$s" "$(date +%s%3N)" "$*" >> '${logFile}'`,
      'exit $rc',
      '',
    ].join('\n');
    writeFileSync(path.join(binDir, command), script);
    chmodSync(path.join(binDir, command), 0o755);
  }
  writeFileSync(logFile, '');
  return {
    binDir,
    calls: () =>
      readFileSync(logFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const [s, e, command, ...args] = line.split(' ');
          return { startedAt: Number(s), endedAt: Number(e), command: command ?? '', args: args.join(' ') };
        }),
  };
}

/**
 * A devloop CLI child process (`node bin/devloop.js …`) whose stdout JSON
 * lines are collected. node:child_process is used directly because the bench
 * needs the pid (for /proc) and a graceful SIGTERM stop. With `executable`,
 * another program (a peer tool) runs instead; its plain lines arrive as
 * `unparsed` events.
 */
export class DevloopProcess {
  readonly events: JsonEvent[] = [];
  readonly spawnedAt: number;
  /** When the process exited (NaN while it runs). */
  exitedAt = Number.NaN;
  readonly #child: ChildProcess;
  readonly #exited: Promise<number | null>;
  #stderr = '';

  constructor(options: {
    args: readonly string[];
    cwd: string;
    env: Record<string, string | undefined>;
    script?: string;
    executable?: string;
  }) {
    this.spawnedAt = Date.now();
    const script = options.script ?? path.join(repoRoot, 'bin/devloop.js');
    const [command, args] = options.executable ? [options.executable, options.args] : [process.execPath, [script, ...options.args]];
    this.#child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let rest = '';
    this.#child.stdout?.setEncoding('utf8');
    this.#child.stdout?.on('data', (chunk: string) => {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop() ?? '';
      const receivedAt = Date.now();
      for (const line of parts) {
        if (!line.trim()) continue;
        try {
          this.events.push({ ...(JSON.parse(line) as { event: string }), receivedAt });
        } catch {
          this.events.push({ event: 'unparsed', text: line, receivedAt });
        }
      }
    });
    this.#child.stderr?.setEncoding('utf8');
    this.#child.stderr?.on('data', (chunk: string) => {
      this.#stderr = (this.#stderr + chunk).slice(-4000);
    });
    this.#exited = new Promise((resolve) =>
      this.#child.on('exit', (code) => {
        this.exitedAt = Date.now();
        resolve(code);
      }),
    );
  }

  get pid(): number {
    if (this.#child.pid === undefined) throw new Error('devloop did not start');
    return this.#child.pid;
  }

  /** Waits for the first event from index `from` on that matches; fails on exit or timeout. */
  async waitFor(match: (e: JsonEvent) => boolean, options: { from?: number; timeoutMs?: number } = {}): Promise<JsonEvent> {
    const deadline = Date.now() + (options.timeoutMs ?? 120_000);
    let exited = false;
    void this.#exited.then(() => {
      exited = true;
    });
    for (;;) {
      const found = this.events.slice(options.from ?? 0).find(match);
      if (found) return found;
      if (exited || Date.now() > deadline) {
        const last = this.events.slice(-5).map((e) => e.event);
        throw new Error(
          `${exited ? 'devloop exited' : 'timed out'}; last events: ${last.join(', ')}; stderr: ${this.#stderr.trim().slice(-500)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** The last lines the process printed (stdout, then stderr), for a failure message. */
  tail(chars = 800): string {
    const lines = this.events.slice(-8).map((e) => (e.event === 'unparsed' ? String(e.text) : JSON.stringify(e)));
    return `${lines.join('\n')}\n${this.#stderr}`.trim().slice(-chars);
  }

  /** Resolves with the exit code when the process ends by itself. */
  exited(): Promise<number | null> {
    return this.#exited;
  }

  /** SIGTERM (devloop's graceful stop), SIGKILL after 15 s; resolves with the exit code. */
  async stop(): Promise<number | null> {
    if (Number.isNaN(this.exitedAt)) this.#child.kill('SIGTERM');
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 15_000);
    const code = await this.#exited;
    clearTimeout(timer);
    return code;
  }
}

/** utime + stime of a process in seconds, and its resident memory (current and peak) in MB, from /proc. */
export function processUsage(pid: number): { cpuSeconds: number; rssMB: number; peakRssMB: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { cpuSeconds: ticks / clockTicks, rssMB: kb('VmRSS') / 1024, peakRssMB: kb('VmHWM') / 1024 };
}

/** USER_HZ: 100 on every Linux the bench runs on (`getconf CLK_TCK`). */
const clockTicks = 100;
