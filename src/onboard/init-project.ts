import { err, ok, type Result } from '../core/result.ts';
import { unreachable } from '../core/unreachable.ts';
import type { FileSystem } from '../system/file-system.ts';
import { type Ask, type InitFlags, type InvalidAnswer, resolveInitAnswers } from './init-answers.ts';
import { type InitAnswers, planInitFiles, templateReader } from './init-plan.ts';
import { type WrittenFile, writeInitFiles } from './init-write.ts';
import { type DetectError, type DetectedProject, detectProject, type ProjectKind } from './project-detect.ts';
import { templatesDir } from './templates.ts';

/** What `devloop init` did, for the command to print. */
export interface InitOutcome {
  readonly project: DetectedProject;
  readonly answers: InitAnswers;
  readonly files: readonly WrittenFile[];
  /** Things about the project that will bite at build time, with the fix. */
  readonly warnings: readonly string[];
}

export type InitError = DetectError | InvalidAnswer;

/**
 * `devloop init` without the terminal: detect, settle the answers, fill
 * the templates and write the missing files (all of them with `force`).
 */
export async function initProject(options: {
  readonly fs: FileSystem;
  readonly dir: string;
  readonly kind?: ProjectKind | undefined;
  readonly flags: InitFlags;
  readonly ask?: Ask | undefined;
  readonly force: boolean;
  readonly templatesDir?: string;
}): Promise<Result<InitOutcome, InitError>> {
  const { fs, dir } = options;
  const detected = await detectProject({ fs, dir, kind: options.kind });
  if (!detected.ok) return detected;
  const project = detected.value;
  const answers = await resolveInitAnswers({ project, flags: options.flags, ask: options.ask });
  if (!answers.ok) return err(answers.error);
  const planned = await planInitFiles({
    project,
    answers: answers.value,
    readTemplate: templateReader(fs, options.templatesDir ?? templatesDir()),
  });
  const files = await writeInitFiles({ fs, dir, files: planned, force: options.force });
  return ok({ project, answers: answers.value, files, warnings: await projectWarnings(fs, dir, project) });
}

async function projectWarnings(fs: FileSystem, dir: string, project: DetectedProject): Promise<string[]> {
  const warnings: string[] = [];
  const exists = async (file: string) => (await fs.stat(`${dir}/${file}`)) !== undefined;
  switch (project.kind) {
    case 'python': {
      if (!(await exists(project.entry)))
        warnings.push(
          `${project.entry} does not exist: the image's CMD starts it; edit CMD in the Dockerfile if your entry point is elsewhere`,
        );
      if (project.fastapi) {
        const deps = await fs.readText(`${dir}/${project.dependencies}`).catch(() => '');
        if (!/fastapi\[[^\]]*standard[^\]]*\]|fastapi-cli/i.test(deps)) {
          warnings.push(`\`fastapi run\` needs the FastAPI CLI: declare fastapi[standard] in ${project.dependencies}`);
        }
      }
      break;
    }
    case 'node':
      if (!project.hasLockfile) warnings.push('no package-lock.json: `npm ci` needs one; run `npm install` once and commit the lockfile');
      if (!(await exists(project.entry)))
        warnings.push(`${project.entry} does not exist: the image runs \`node ${project.entry}\`; edit CMD in the Dockerfile`);
      break;
    case 'go':
      if (!(await exists('go.sum'))) warnings.push('no go.sum: run `go mod tidy` so module downloads are verified and cached');
      break;
    default:
      return unreachable(project);
  }
  return warnings;
}
