import * as path from 'node:path';
import { dockerignoreName } from '../core/docker-ignore-files.ts';
import type { FileChange } from '../core/file-change.ts';
import { imageName } from '../core/image-ref.ts';
import { type BuildContext, toContextPath } from './build-context.ts';
import { compileSource, isRemoteSource, sourceTouches } from './copy-sources.ts';
import { type DockerfileModel, type DockerInstruction, neededStages, type Stage, stepCount, targetStage } from './dockerfile-model.ts';

/** An instruction named the way people read it: `step 5/7 COPY ./app ./app` at line 9. */
export interface StepRef {
  /** 1-based instruction index, as in Docker's `Step N/M`. */
  readonly index: number;
  readonly line: number;
  /** Keyword, e.g. `COPY`. */
  readonly instruction: string;
  /** The instruction on one line. */
  readonly text: string;
}

/** Why a step's cache breaks. */
export type BreakCause =
  | { readonly kind: 'file'; readonly step: StepRef; readonly paths: readonly string[] }
  | { readonly kind: 'dockerfile'; readonly step: StepRef; readonly known: boolean }
  | { readonly kind: 'dockerignore'; readonly step: StepRef; readonly known: boolean }
  | { readonly kind: 'base-image'; readonly step: StepRef; readonly image: string }
  | { readonly kind: 'stage'; readonly step: StepRef; readonly stage: number };

/** The answer for one image: must it rebuild, and from which step. */
export interface Invalidation {
  readonly rebuild: boolean;
  readonly firstInvalidated: StepRef | undefined;
  /** Steps Docker counts for this target (`M` in `Step N/M`). */
  readonly totalSteps: number;
  /** Every break, in instruction order; the first one is the reason to rebuild. */
  readonly causes: readonly BreakCause[];
  /** Context paths (and the Dockerfile / .dockerignore) whose change breaks a step. */
  readonly changedInputs: readonly string[];
}

/** Everything `computeInvalidation` looks at. */
export interface InvalidationInput {
  readonly model: DockerfileModel;
  readonly target: string | undefined;
  readonly context: BuildContext;
  readonly changes: readonly FileChange[];
  /** The Dockerfile before the change, when known: only instructions that differ then break. */
  readonly previousModel?: DockerfileModel;
  /** The context matcher before a .dockerignore change, when known, with the files it decides about. */
  readonly previousContext?: { readonly context: BuildContext; readonly files: readonly string[] };
  /** Repositories of devloop images that rebuild; a FROM or `COPY --from` naming one breaks. */
  readonly rebuiltImages?: ReadonlySet<string>;
}

/**
 * Docker's layer cache, predicted: which step of an image's Dockerfile is the
 * first one the cache cannot serve after these changes.
 *
 * - COPY/ADD breaks when a file its sources select (after .dockerignore) was
 *   added, modified or deleted. Content and mode count, mtime does not.
 * - A broken step breaks everything after it in the same stage.
 * - A stage built FROM a broken stage, or FROM a rebuilt devloop image,
 *   breaks at its FROM; `COPY --from` a broken stage breaks at that COPY.
 * - A changed Dockerfile breaks its first changed instruction of each stage
 *   (from the first FROM when the old text is unknown), and, being a file of
 *   the context unless ignored, every COPY that selects it.
 * - A changed .dockerignore counts as the files it adds to or removes from
 *   the context (every COPY from the context when the old patterns are unknown).
 * - Only stages the target needs count.
 */
export function computeInvalidation(input: InvalidationInput): Invalidation {
  const { model, context } = input;
  const target = targetStage(model, input.target);
  if (!target) return { rebuild: true, firstInvalidated: undefined, totalSteps: model.instructions.length, causes: [], changedInputs: [] };
  const needed = neededStages(model, target);
  const files = new Set<string>();
  let dockerfileChanged = false;
  let dockerignoreChanged = false;
  const ignoreFiles = new Set(context.controlFiles.filter((f) => f !== context.dockerfilePath));
  for (const change of input.changes) {
    const absolute = path.resolve(context.dir, change.path);
    const isIgnoreFile = ignoreFiles.has(absolute);
    if (isIgnoreFile) dockerignoreChanged = true;
    const relative = toContextPath(context.dir, change.path);
    if (relative === undefined) {
      if (absolute === context.dockerfilePath) dockerfileChanged = true;
      continue;
    }
    if (relative === context.dockerfile) dockerfileChanged = true;
    if (context.inContext(relative) || (isIgnoreFile && input.previousContext?.context.inContext(relative))) {
      files.add(relative);
    }
  }
  let ignoreUnknown = false;
  if (dockerignoreChanged) {
    if (input.previousContext) {
      for (const file of input.previousContext.files) {
        if (input.previousContext.context.inContext(file) !== context.inContext(file)) files.add(file);
      }
    } else {
      ignoreUnknown = true;
    }
  }

  const dockerfileBreaks = dockerfileChanged ? diffStages(model, input.previousModel) : new Map<number, number>();
  const rebuilt = input.rebuiltImages ?? new Set<string>();
  const brokenAt = new Map<number, number>();
  const causes: BreakCause[] = [];
  const changedInputs = new Set<string>();
  const stepOf = (i: DockerInstruction): StepRef => ({ index: i.index, line: i.line, instruction: i.keyword, text: i.text });

  for (const stage of model.stages) {
    if (!needed.has(stage.index)) continue;
    const consider = (instruction: DockerInstruction, cause: BreakCause): void => {
      causes.push(cause);
      const current = brokenAt.get(stage.index);
      if (current === undefined || instruction.index < current) brokenAt.set(stage.index, instruction.index);
    };
    const from = stage.instructions[0];
    if (!from) continue;
    if (model.foreignFrontend && files.size > 0) {
      // What the frontend makes of the files is unknown: any of them may break its first step.
      const paths = [...files].sort();
      consider(from, { kind: 'file', step: stepOf(from), paths });
      for (const f of paths) changedInputs.add(f);
    }
    const dockerfileBreak = dockerfileBreaks.get(stage.index);
    if (dockerfileBreak !== undefined) {
      const instruction = model.instructions[dockerfileBreak - 1];
      if (instruction) consider(instruction, { kind: 'dockerfile', step: stepOf(instruction), known: input.previousModel !== undefined });
      if (context.dockerfile !== undefined) changedInputs.add(context.dockerfile);
    }
    if (stage.baseStage !== undefined && brokenAt.has(stage.baseStage)) {
      consider(from, { kind: 'stage', step: stepOf(from), stage: stage.baseStage });
    } else if (rebuilt.has(repositoryOf(stage.baseImage))) {
      consider(from, { kind: 'base-image', step: stepOf(from), image: stage.baseImage });
    }
    for (const instruction of stage.instructions) {
      const copy = instruction.copy;
      if (!copy) continue;
      switch (copy.from.kind) {
        case 'stage':
          if (brokenAt.has(copy.from.stage)) consider(instruction, { kind: 'stage', step: stepOf(instruction), stage: copy.from.stage });
          break;
        case 'image':
          if (rebuilt.has(repositoryOf(copy.from.image))) {
            consider(instruction, { kind: 'base-image', step: stepOf(instruction), image: copy.from.image });
          }
          break;
        case 'context': {
          const local = copy.sources.filter((s) => !isRemoteSource(s)).map(compileSource);
          if (local.length === 0) break;
          const hit = [...files].filter((f) => local.some((p) => sourceTouches(p, f))).sort();
          if (hit.length > 0) {
            consider(instruction, { kind: 'file', step: stepOf(instruction), paths: hit });
            for (const f of hit) changedInputs.add(f);
          }
          if (ignoreUnknown) {
            consider(instruction, { kind: 'dockerignore', step: stepOf(instruction), known: false });
            changedInputs.add(toContextPath(context.dir, context.ignoreFile ?? dockerignoreName) ?? dockerignoreName);
          }
          break;
        }
        default:
          break;
      }
    }
  }

  causes.sort((a, b) => a.step.index - b.step.index);
  const first = Math.min(...brokenAt.values());
  const firstInstruction = Number.isFinite(first) ? model.instructions[first - 1] : undefined;
  return {
    rebuild: firstInstruction !== undefined,
    firstInvalidated: firstInstruction ? stepOf(firstInstruction) : undefined,
    totalSteps: stepCount(model, target),
    causes,
    changedInputs: [...changedInputs].sort(),
  };
}

/**
 * The repository part of an image reference (`reg:5000/app:1` → `reg:5000/app`),
 * used to recognise FROM lines that name a devloop image.
 */
export function repositoryOf(reference: string): string {
  return imageName(reference);
}

/** For each stage, the index of its first instruction that differs from the previous Dockerfile. */
function diffStages(model: DockerfileModel, previous: DockerfileModel | undefined): Map<number, number> {
  const breaks = new Map<number, number>();
  for (const stage of model.stages) {
    const old: Stage | undefined = previous?.stages[stage.index];
    if (!old) {
      const from = stage.instructions[0];
      if (from) breaks.set(stage.index, from.index);
      continue;
    }
    const differs = stage.instructions.find((instruction, i) => old.instructions[i]?.signature !== instruction.signature);
    if (differs) breaks.set(stage.index, differs.index);
  }
  return breaks;
}
