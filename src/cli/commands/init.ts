import * as readline from 'node:readline/promises';
import { ExitCode } from '../../core/exit-code.ts';
import { unreachable } from '../../core/unreachable.ts';
import type { Ask } from '../../onboard/init-answers.ts';
import { type InitError, initProject } from '../../onboard/init-project.ts';
import { type ProjectKind, projectKinds } from '../../onboard/project-detect.ts';
import { colors } from '../../report/colors.ts';
import type { CliContext, GlobalOptions } from '../cli-context.ts';

export interface InitOptions extends GlobalOptions {
  /** No questions: flags and defaults only. */
  readonly yes?: boolean;
  /** Overwrite existing files. */
  readonly force?: boolean;
  readonly kind?: string;
  readonly name?: string;
  readonly port?: string;
  readonly baseImage?: string;
  readonly runtimeImage?: string;
  readonly cluster?: string;
  readonly registry?: string;
  readonly healthPath?: string;
}

/** How init talks to a person; tests pass their own `ask`. */
export interface InitTerminal {
  readonly ask?: Ask | undefined;
}

/**
 * `devloop init`: detects the project in the working directory, asks what
 * it cannot guess (only on a terminal, never with `--yes`), writes the
 * missing Dockerfile, .dockerignore, manifest, k3d config and
 * devloop.config.ts, and prints the next steps.
 */
export async function runInit(
  ctx: CliContext,
  options: InitOptions,
  terminal: InitTerminal = defaultTerminal(ctx, options),
): Promise<ExitCode> {
  const c = colors(ctx.color);
  if (options.kind !== undefined && !projectKinds.includes(options.kind as ProjectKind)) {
    ctx.stderr.write(`error: --kind must be one of ${projectKinds.join(', ')}, got "${options.kind}"\n`);
    return ExitCode.usage;
  }
  const result = await initProject({
    fs: ctx.fs,
    dir: ctx.cwd,
    kind: options.kind as ProjectKind | undefined,
    force: Boolean(options.force),
    ask: options.yes ? undefined : terminal.ask,
    flags: {
      name: options.name,
      port: options.port,
      baseImage: options.baseImage,
      runtimeImage: options.runtimeImage,
      cluster: options.cluster,
      registry: options.registry,
      healthPath: options.healthPath,
    },
  });
  if (!result.ok) {
    ctx.stderr.write(`error: ${describeInitError(result.error, ctx.cwd)}\n`);
    return ExitCode.usage;
  }
  const { project, answers, files, warnings } = result.value;
  ctx.stdout.write(
    `${c.bold(`${project.kind} project`)} ${c.dim(`(found ${project.evidence})`)}: ${answers.name}, port ${answers.port}, base image ${answers.baseImage}\n`,
  );
  const width = Math.max(...files.map((f) => f.file.path.length));
  for (const { file, outcome } of files) {
    const label = outcome === 'kept' ? c.dim('kept       ') : outcome === 'created' ? c.green('created    ') : c.yellow('overwritten');
    const why = outcome === 'kept' ? 'exists, left as it is (--force overwrites)' : file.purpose;
    ctx.stdout.write(`  ${label} ${file.path.padEnd(width)}  ${c.dim(why)}\n`);
  }
  for (const warning of warnings) ctx.stdout.write(`${c.yellow('warning:')} ${warning}\n`);
  const configKept = files.some((f) => f.file.path === 'devloop.config.ts' && f.outcome === 'kept');
  if (configKept)
    ctx.stdout.write(
      `${c.yellow('note:')} devloop.config.ts was kept; add image '${answers.image}' and k8s/${answers.name}.yaml to it yourself\n`,
    );
  ctx.stdout.write(`\n${c.bold('Next steps:')}\n`);
  ctx.stdout.write(`  1. devloop doctor          ${c.dim('check Docker, k3d, the registry and file watching')}\n`);
  ctx.stdout.write(`  2. devloop cluster create  ${c.dim(`make the k3d cluster ${answers.cluster} with registry ${answers.registry}`)}\n`);
  ctx.stdout.write(`  3. devloop up              ${c.dim(`build, deploy and follow ${answers.name}; http://localhost:${answers.port}`)}\n`);
  return ExitCode.ok;
}

/** Why init stopped, in one sentence with the way out. */
export function describeInitError(error: InitError, dir: string): string {
  switch (error.reason) {
    case 'no-project':
      return `no project found in ${dir}: init looks for pyproject.toml or requirements.txt (Python), package.json (Node) or go.mod (Go); run it in the service's directory`;
    case 'kind-not-present':
      return `--kind ${error.kind}: no ${error.kind} project files here${error.found.length ? ` (found: ${error.found.join(', ')})` : ''}`;
    case 'invalid-answer':
      return `${error.field} "${error.value}" ${error.message}`;
    default:
      return unreachable(error);
  }
}

/** Questions on the terminal, when both ends are one and `--yes` was not given. */
function defaultTerminal(ctx: CliContext, options: InitOptions): InitTerminal {
  if (options.yes || !ctx.stdout.isTTY || !process.stdin.isTTY) return {};
  return {
    ask: async (question, defaultAnswer) => {
      const rl = readline.createInterface({ input: process.stdin, output: process.stdout, terminal: true });
      try {
        return await rl.question(`${question} (${defaultAnswer}): `, { signal: ctx.signal });
      } catch {
        return defaultAnswer;
      } finally {
        rl.close();
      }
    },
  };
}
