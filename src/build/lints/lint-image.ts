import * as path from 'node:path';
import type { BuildContext } from '../../graph/build-context.ts';
import type { DockerfileModel } from '../../graph/dockerfile-model.ts';
import { type FileSystem, isPermissionDenied } from '../../system/file-system.ts';
import type { LintFinding } from './lint-finding.ts';
import { dockerfileRules } from './rules.ts';

/** What `lintImage` looks at. */
export interface LintImageInput {
  readonly fs: FileSystem;
  readonly model: DockerfileModel;
  readonly target: string | undefined;
  /** The context, with the ignore file in effect (`loadBuildContext`). */
  readonly context: BuildContext;
  readonly devloopRepositories?: ReadonlySet<string>;
  /** The devloop image name, when linting a configured image. */
  readonly image?: string;
  /** How `file` of context findings is written (relative to the working directory, usually). */
  readonly displayPath?: (absolute: string) => string;
}

/** Runs every rule for one image: the Dockerfile rules plus the two about its context. */
export async function lintImage(input: LintImageInput): Promise<LintFinding[]> {
  const display = input.displayPath ?? ((p: string) => p);
  const findings = dockerfileRules.flatMap((rule) =>
    rule({
      model: input.model,
      target: input.target,
      devloopRepositories: input.devloopRepositories ?? new Set(),
      ...(input.image ? { image: input.image } : {}),
    }),
  );
  const ignoreName = ignoreFileName(input.context);
  if (input.context.ignoreFile === undefined) {
    findings.push({
      rule: 'missing-dockerignore',
      severity: 'warning',
      file: display(path.join(input.context.dir, '.dockerignore')),
      line: undefined,
      message:
        'the context has no .dockerignore: .git, dependencies and local secrets are sent to Docker and `COPY . .` layers break on any change',
      fix: 'add a .dockerignore listing at least .git, .env, node_modules (or .venv) and build output',
    });
  }
  for (const secret of await findSecrets(input.fs, input.context)) {
    findings.push({
      rule: 'secrets-in-context',
      severity: 'error',
      file: display(path.join(input.context.dir, secret.path)),
      line: undefined,
      message: `${secret.path} (${secret.what}) is inside the build context and not ignored: a COPY can put it into the image`,
      fix: `add ${secret.path.endsWith('/') ? secret.path.slice(0, -1) : secret.path} to ${display(input.context.ignoreFile ?? path.join(input.context.dir, ignoreName))}`,
    });
  }
  return findings.sort((a, b) => (a.file === b.file ? (a.line ?? 0) - (b.line ?? 0) : a.file < b.file ? -1 : 1));
}

/**
 * The name of the ignore file to tell people to edit: the one in effect, or
 * `.dockerignore` when there is none. Advice to edit `.dockerignore` while a
 * `Dockerfile.dockerignore` replaces it would change nothing.
 */
export function ignoreFileName(context: BuildContext): string {
  return context.ignoreFile ? path.basename(context.ignoreFile) : '.dockerignore';
}

const secretFiles: readonly [RegExp, string][] = [
  [/^\.env(\..+)?$/, 'environment secrets'],
  [/^id_(rsa|dsa|ecdsa|ed25519)$/, 'an SSH private key'],
  [/\.(pem|key|p12|pfx)$/, 'a private key or certificate store'],
  [/^\.npmrc$|^\.pypirc$|^\.netrc$/, 'registry credentials'],
];
const harmless = /^\.env\.(example|sample|template|dist)$/;
const skipDirs = new Set(['node_modules', '.venv', 'venv', '__pycache__']);

/**
 * Secret-looking files and `.git` that Docker would send, walking only what
 * the context includes. Exported so `up` and `ci` warn at start, not only `lint`.
 */
export async function findSecrets(fs: FileSystem, context: BuildContext): Promise<{ path: string; what: string }[]> {
  const found: { path: string; what: string }[] = [];
  const walk = async (relative: string, depth: number): Promise<void> => {
    if (depth > 6 || found.length > 20) return;
    let entries: Awaited<ReturnType<FileSystem['readDir']>>;
    try {
      entries = await fs.readDir(relative === '' ? context.dir : path.join(context.dir, relative));
    } catch (error) {
      // A folder this user may not list holds nothing devloop can name; `plan` reports it as unreadable.
      if (isPermissionDenied(error)) return;
      throw error;
    }
    for (const entry of entries) {
      const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
      const included = context.inContext(child);
      if (entry.kind === 'directory') {
        if (entry.name === '.git') {
          if (included) found.push({ path: `${child}/`, what: 'the repository history' });
          continue;
        }
        if (skipDirs.has(entry.name) || (!included && !context.hasExceptions)) continue;
        await walk(child, depth + 1);
        continue;
      }
      if (!included || harmless.test(entry.name)) continue;
      const match = secretFiles.find(([pattern]) => pattern.test(entry.name));
      if (match) found.push({ path: child, what: match[1] });
    }
  };
  await walk('', 0);
  return found;
}
