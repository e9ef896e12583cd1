import type { Diagnostic } from '../core/diagnostic.ts';
import type { DockerfileModel } from '../graph/dockerfile-model.ts';
import { parseDockerfile } from '../graph/dockerfile-model.ts';
import { repositoryOf } from '../graph/invalidation.ts';

/**
 * How an image builds FROM another devloop image: through a build argument,
 * plain Docker that also works without devloop.
 *
 * ```dockerfile
 * ARG BASE=base          # the dependency's repository, as docker build would find it
 * FROM ${BASE}
 * ```
 *
 * When `base` is a devloop image listed in `dependsOn`, devloop passes
 * `--build-arg BASE=base:devloop-1a2b3c4d5e6f`, the tag it just built. The
 * Dockerfile, its line and step numbers and the build context stay exactly
 * as written (rewriting the file would make the docker CLI inject a random
 * name into the context's .dockerignore, breaking `COPY . .` caches). Pinning
 * the exact tag is what makes a base change rebuild its dependents and keeps
 * concurrent builds apart. A FROM that names a devloop image literally
 * (`FROM base`) cannot be redirected: `literalDevloopBases` reports it.
 *
 * Returns the build args to add: ARG name → reference.
 */
export function baseImageBuildArgs(input: {
  readonly text: string;
  readonly file: string;
  /** Repository → built reference, e.g. `base` → `base:devloop-1a2b3c4d5e6f`. */
  readonly references: Readonly<Record<string, string>>;
}): Record<string, string> {
  const plain = parseDockerfile({ text: input.text, file: input.file });
  const args: Record<string, string> = {};
  for (const instruction of plain.instructions) {
    if (instruction.stage !== undefined || instruction.keyword !== 'ARG') continue;
    for (const word of instruction.args) {
      const eq = word.indexOf('=');
      if (eq === -1) continue;
      const reference = input.references[repositoryOf(word.slice(eq + 1))];
      if (reference !== undefined) args[word.slice(0, eq)] = reference;
    }
  }
  return args;
}

/** FROM lines that name a devloop image without going through an ARG, with the fix. */
export function literalDevloopBases(input: {
  readonly model: DockerfileModel;
  readonly text: string;
  readonly repositories: ReadonlySet<string>;
}): Diagnostic[] {
  const lines = input.text.split('\n');
  const out: Diagnostic[] = [];
  for (const stage of input.model.stages) {
    const from = stage.instructions[0];
    if (!from || stage.baseStage !== undefined || !input.repositories.has(repositoryOf(stage.baseImage))) continue;
    if ((lines[from.line - 1] ?? '').includes('$')) continue;
    const name = repositoryOf(stage.baseImage);
    const arg = `${name.replace(/[^A-Za-z0-9]/g, '_').toUpperCase()}_IMAGE`;
    out.push({
      severity: 'error',
      code: 'devloop-base-literal',
      file: input.model.file,
      line: from.line,
      message: `FROM ${stage.baseImage} names the devloop image "${name}" directly, so devloop cannot point it at the tag it builds`,
      hint: `declare it as a build argument before the first FROM: ARG ${arg}=${name} then FROM \${${arg}}`,
    });
  }
  return out;
}
