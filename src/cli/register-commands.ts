import type { Command } from 'commander';
import { ExitCode } from '../core/exit-code.ts';
import type { CliContext, GlobalOptions } from './cli-context.ts';
import { loadCommandConfig } from './load-command-config.ts';

/** The program-level options only: for plan and lint, `--context` after the command is a build context. */
function globalsOnly(options: GlobalOptions & Record<string, unknown>, program: Command): GlobalOptions {
  const globals = program.opts<GlobalOptions>();
  return {
    ...(options.config ? { config: options.config } : {}),
    ...(globals.context ? { context: globals.context } : {}),
    ...(globals.namespace ? { namespace: globals.namespace } : {}),
  };
}

/**
 * Wraps a command's task as a commander action: the task gets the command's
 * options merged with the global ones and its positional arguments, and its
 * answer becomes the exit code.
 */
export type RunAction = (
  task: (options: GlobalOptions & Record<string, unknown>, args: readonly string[], own: Record<string, unknown>) => Promise<ExitCode>,
) => (...args: unknown[]) => Promise<void>;

/**
 * Every command devloop offers. Only commands that work are listed here.
 * Each command's module is loaded when it runs, so `--help`, `--version` and
 * `config` do not pay for loading the Kubernetes client and the terminal UI.
 */
export function registerCommands(program: Command, ctx: CliContext, run: RunAction): void {
  /** Loads the config, or answers the exit code that ends the command. */
  const withConfig = async (globals: GlobalOptions) => {
    const loaded = await loadCommandConfig(ctx, globals);
    return loaded.ok ? { config: loaded.value.config, origins: loaded.value.origins } : { exit: loaded.error };
  };

  program
    .command('up')
    .description('watch, rebuild what changed, deliver, roll out and stream logs until Ctrl-C or q')
    .option('-o, --output <mode>', 'auto (the terminal UI on a terminal), ui, plain or json', 'auto')
    .action(run(async (o) => (await import('./commands/up.ts')).runUp(ctx, { ...o, output: String(o.output) })));

  program
    .command('ci')
    .description('one full pass: build, deliver, deploy and wait until ready; exit 1 with the diagnosis otherwise')
    .option('-o, --output <mode>', 'plain or json', 'plain')
    .option('--timeout <duration>', 'give up after this long (90s, 5m, …)', '10m')
    .action(
      run(async (o) => (await import('./commands/ci.ts')).runCi(ctx, { ...o, output: String(o.output), timeout: String(o.timeout) })),
    );

  program
    .command('plan')
    .description('say, per image, whether it must rebuild and from which Dockerfile step, without building')
    .option('--changed <paths...>', 'answer as if exactly these paths changed since the last build')
    .option('--context <dir>', 'plan one image from this build context, without a config')
    .option('--dockerfile <file>', 'with --context: the Dockerfile')
    .option('--target <stage>', 'with --context: the build stage')
    .option('--json', 'print JSON')
    .action(
      run(async (o, _args, own) => {
        const source = typeof own.context === 'string' ? { context: own.context } : await withConfig(globalsOnly(o, program));
        if ('exit' in source) return source.exit ?? ExitCode.usage;
        return (await import('./commands/plan.ts')).runPlan(ctx, {
          ...source,
          ...(typeof o.dockerfile === 'string' ? { dockerfile: o.dockerfile } : {}),
          ...(typeof o.target === 'string' ? { target: o.target } : {}),
          changed: (o.changed as string[] | undefined) ?? [],
          json: Boolean(o.json),
        });
      }),
    );

  program
    .command('lint')
    .description('check Dockerfiles and build contexts against Dockerfile layering and build-context advice')
    .option('--context <dir>', 'lint one build context, without a config')
    .option('--dockerfile <file>', 'with --context: the Dockerfile')
    .option('--json', 'print JSON')
    .action(
      run(async (o, _args, own) => {
        const source = typeof own.context === 'string' ? { context: own.context } : await withConfig(globalsOnly(o, program));
        if ('exit' in source) return source.exit ?? ExitCode.usage;
        return (await import('./commands/lint.ts')).runLint(ctx, {
          ...source,
          ...(typeof o.dockerfile === 'string' ? { dockerfile: o.dockerfile } : {}),
          json: Boolean(o.json),
        });
      }),
    );

  program
    .command('build')
    .argument('[image...]', 'images to build (their dependencies come along); default all')
    .description('build what needs building and say what was fresh and why')
    .option('--json', 'print JSON')
    .action(
      run(async (o, args) => {
        const source = await withConfig(o);
        if ('exit' in source) return source.exit ?? ExitCode.usage;
        return (await import('./commands/build.ts')).runBuild(ctx, { config: source.config, images: args, json: Boolean(o.json) });
      }),
    );

  program
    .command('down')
    .description('delete what devloop applied for this project, and nothing else')
    .action(
      run(async (o) => {
        const source = await withConfig(o);
        if ('exit' in source) return source.exit ?? ExitCode.usage;
        return (await import('./commands/down.ts')).runDown(ctx, { config: source.config, origins: source.origins });
      }),
    );

  program
    .command('config')
    .description('print the resolved configuration and where each value came from')
    .option('--json', 'print the resolved configuration as JSON')
    .action(run(async (o) => (await import('./commands/config.ts')).runConfig(ctx, { ...o, json: Boolean(o.json) })));

  program
    .command('init')
    .description('write a Dockerfile, .dockerignore, manifest, k3d config and devloop.config.ts for this project')
    .option('-y, --yes', 'ask nothing: flags and defaults only')
    .option('--force', 'overwrite files that exist')
    .option('--kind <kind>', 'python, node or go (default: detected)')
    .option('--name <name>', 'service, image and Deployment name (default: from the project)')
    .option('--port <port>', 'port the service listens on (default 8080)')
    .option('--base-image <image>', 'FROM image (default python:3.12-slim, node:22-slim or golang:1.23-bookworm)')
    .option('--runtime-image <image>', 'Go: image of the final stage (default gcr.io/distroless/static-debian12:nonroot)')
    .option('--cluster <name>', 'k3d cluster name (default dev)')
    .option('--registry <host:port>', 'k3d registry (default k3d-registry.localhost:5000)')
    .option('--health-path <path>', 'HTTP path of the readiness and liveness probes (default /healthz)')
    .action(run(async (o) => (await import('./commands/init.ts')).runInit(ctx, o)));

  program
    .command('cluster')
    .description('create, delete or show the k3d cluster and registry of devloop.config.ts')
    .argument('<action>', 'create, delete or status')
    .option('--no-verify', 'create: do not wait for readiness nor prove the registry')
    .option('--probe-image <image>', 'create: small local image pushed and pulled to prove the registry (default busybox:1.36)')
    .option('--json', 'status: print JSON')
    .action(run(async (o, args) => (await import('./commands/cluster.ts')).runCluster(ctx, args[0] ?? '', o)));

  program
    .command('doctor')
    .description('check Docker, k3d, the kube context, the registry, DNS, inotify, Node and the Dockerfiles')
    .option('--json', 'print {"checks":[{"id","ok","detail","fix"}]}')
    .action(run(async (o) => (await import('./commands/doctor.ts')).runDoctor(ctx, { ...o, json: Boolean(o.json) })));

  // Options may follow the command: every command takes --config, and those
  // that talk to a cluster take --context and --namespace (plan and lint use
  // --context for a build context directory, as documented there).
  for (const command of program.commands) {
    const has = (flag: string) => command.options.some((option) => option.long === flag);
    if (!has('--config')) command.option('-c, --config <path>', 'config file (default: nearest devloop.config.ts)');
    if (!has('--context')) command.option('--context <name>', 'kube context (overrides config and DEVLOOP_CONTEXT)');
    if (!has('--namespace') && !has('--context-dir'))
      command.option('-n, --namespace <name>', 'namespace (overrides config and DEVLOOP_NAMESPACE)');
  }
}
