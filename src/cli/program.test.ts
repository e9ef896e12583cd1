import { afterEach, describe, expect, it } from 'vitest';
import { runDevloop } from '../../test/support/cli-harness.ts';
import { type TempProject, tempProject } from '../../test/support/temp-project.ts';
import { FakeRunner } from '../system/fake-runner.ts';

const projects: TempProject[] = [];
afterEach(() => {
  for (const project of projects.splice(0)) project.remove();
});

/** Runs devloop in a project with one image `web` (context `app/`); no program outside runs. */
async function devloop(argv: string[]) {
  const project = tempProject({
    'devloop.config.json': JSON.stringify({ images: { web: { context: 'app' } } }),
    'app/Dockerfile': 'FROM busybox:1.36\nCOPY a.txt /a.txt\n',
    'app/a.txt': 'a\n',
  });
  projects.push(project);
  const runner = new FakeRunner();
  const run = await runDevloop(argv, { cwd: project.dir, env: {}, runner });
  return { ...run, calls: runner.calls };
}

const json = (text: string) => JSON.parse(text) as Record<string, unknown>;

describe('the devloop command line', () => {
  it('lists its commands in --help and exits 0', async () => {
    const run = await devloop(['--help']);
    expect(run.code).toBe(0);
    const commands = [...run.stdout.matchAll(/^ {2}(\w+) /gm)].map((m) => m[1]);
    expect(commands).toEqual(['up', 'ci', 'plan', 'lint', 'build', 'down', 'config', 'init', 'cluster', 'doctor', 'help']);
    expect(run.stderr).toBe('');
  });

  it('prints its version with -v and --version, exit 0', async () => {
    for (const flag of ['-v', '--version']) {
      const run = await devloop([flag]);
      expect(run.code).toBe(0);
      expect(run.stdout).toBe('0.0.0-test\n');
    }
  });

  it('shows a command its own and the global options with --help, exit 0, running nothing', async () => {
    const run = await devloop(['up', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: devloop up \[options\]/);
    expect(run.stdout).toContain('-o, --output <mode>');
    expect(run.stdout).toMatch(/Global Options:[\s\S]*--namespace <name>/);
    expect(run.calls).toEqual([]);
  });

  it('is bad usage (exit 2) for an unknown command or option, suggesting the one meant', async () => {
    const command = await devloop(['cofig']);
    expect(command.code).toBe(2);
    expect(command.stderr).toBe("error: unknown command 'cofig'\n(Did you mean config?)\n(run with --help for usage)\n");
    const option = await devloop(['config', '--jsn']);
    expect(option.code).toBe(2);
    expect(option.stderr).toBe("error: unknown option '--jsn'\n(Did you mean --json?)\n(run with --help for usage)\n");
    expect(option.stdout).toBe('');
  });

  it('is bad usage (exit 2) for a missing or extra argument, before anything runs', async () => {
    const missing = await devloop(['cluster']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: missing required argument 'action'/);
    const extra = await devloop(['config', 'extra']);
    expect(extra.code).toBe(2);
    expect(extra.stderr).toMatch(/^error: too many arguments for 'config'/);
    expect([...missing.calls, ...extra.calls]).toEqual([]);
  });

  it('is bad usage (exit 2) for an --output mode the command does not know', async () => {
    const run = await devloop(['up', '--output', 'nonsense']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('error: --output: expected auto, ui, plain or json, got "nonsense"\n');
  });

  it('takes the global options before or after the command', async () => {
    for (const argv of [
      ['--context', 'k3d-other', '-n', 'shop', 'config', '--json'],
      ['config', '--json', '--context', 'k3d-other', '--namespace', 'shop'],
    ]) {
      const run = await devloop(argv);
      expect(run.code, run.stderr).toBe(0);
      expect(json(run.stdout).cluster).toMatchObject({ context: 'k3d-other', namespace: 'shop' });
    }
  });

  it('reads --context after plan and lint as a build context, before them as the kube context', async () => {
    const standalone = await devloop(['plan', '--context', 'app', '--json']);
    expect(standalone.code, standalone.stderr).toBe(0);
    expect(json(standalone.stdout).images).toMatchObject([{ name: 'app', rebuild: true }]);
    const configured = await devloop(['--context', 'k3d-other', 'plan', '--json']);
    expect(configured.code, configured.stderr).toBe(0);
    expect(json(configured.stdout).images).toMatchObject([{ name: 'web' }]);
  });

  it('answers the exit code of the command it ran', async () => {
    const run = await devloop(['build', 'nope', '--json']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('unknown image: nope (known: web)\n');
  });
});
