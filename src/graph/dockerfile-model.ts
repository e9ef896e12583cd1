import { type Instruction as AstInstruction, DockerfileParser, ModifiableInstruction } from 'dockerfile-ast';
import type { Diagnostic } from '../core/diagnostic.ts';
import { didYouMean } from '../core/did-you-mean.ts';
import { bindMountSpec, type CopySpec, copySpec, isDockerfileFrontend, syntaxDirective } from './dockerfile-sources.ts';
import { expandWord, type LexOptions, splitWords } from './shell-words.ts';

export type { CopyFrom, CopySpec } from './dockerfile-sources.ts';

/**
 * A Dockerfile as devloop reasons about it: stages and instructions in file
 * order, with the numbers Docker's classic builder prints (`Step 5/7`), and
 * the COPY/ADD sources after ARG/ENV expansion. Built on dockerfile-ast, which
 * handles parser directives, comments and line continuations.
 */
export interface DockerfileModel {
  /** Path as given by the caller, used in diagnostics. */
  readonly file: string;
  readonly escape: string;
  /** Every instruction in file order; `instructions[i].index === i + 1`. */
  readonly instructions: readonly DockerInstruction[];
  readonly stages: readonly Stage[];
  readonly diagnostics: readonly Diagnostic[];
  /**
   * The `# syntax=` frontend when it is not Docker's own Dockerfile frontend:
   * its instructions may mean anything, so devloop cannot predict where the
   * cache breaks and treats the whole build context as the first step's input.
   */
  readonly foreignFrontend: string | undefined;
}

/** One `FROM` and the instructions up to the next one. */
export interface Stage {
  /** 0-based, as `COPY --from=0` counts. */
  readonly index: number;
  /** Lower-cased `AS` name, as Docker compares them. */
  readonly name: string | undefined;
  /** Base image after expansion of ARGs declared before the first FROM. */
  readonly baseImage: string;
  /** Set when the base is an earlier stage of this file. */
  readonly baseStage: number | undefined;
  /** Instructions of the stage, its FROM first. */
  readonly instructions: readonly DockerInstruction[];
}

/** One instruction with the facts every later step needs. */
export interface DockerInstruction {
  /** 1-based, counting every instruction in the file (FROM and ARGs before it included). */
  readonly index: number;
  /** 1-based line of the instruction's first line. */
  readonly line: number;
  readonly endLine: number;
  /** Upper-case keyword, e.g. `COPY`. */
  readonly keyword: string;
  /** Stage index; undefined for ARGs before the first FROM. */
  readonly stage: number | undefined;
  /** Flags such as `from`, `chown`, expanded. */
  readonly flags: ReadonlyMap<string, string>;
  /** Arguments as Docker sees them: JSON array elements or shell words, flags removed. */
  readonly args: readonly string[];
  readonly form: 'json' | 'shell';
  /** Readable one-line text, continuations joined, e.g. `COPY ./app ./app`. */
  readonly text: string;
  /** What Docker's layer cache compares for this instruction, apart from its parent layer and files. */
  readonly signature: string;
  readonly copy: CopySpec | undefined;
}

/** Input of `parseDockerfile`. */
export interface ParseOptions {
  readonly text: string;
  readonly file: string;
  /** `--build-arg` values; they override ARG defaults. */
  readonly buildArgs?: Readonly<Record<string, string>>;
}

const knownKeywords = [
  'ADD',
  'ARG',
  'CMD',
  'COPY',
  'ENTRYPOINT',
  'ENV',
  'EXPOSE',
  'FROM',
  'HEALTHCHECK',
  'LABEL',
  'MAINTAINER',
  'ONBUILD',
  'RUN',
  'SHELL',
  'STOPSIGNAL',
  'USER',
  'VOLUME',
  'WORKDIR',
];

/** Parses a Dockerfile into stages and numbered instructions. Never throws; problems are diagnostics. */
export function parseDockerfile({ text, file, buildArgs = {} }: ParseOptions): DockerfileModel {
  const ast = DockerfileParser.parse(text);
  const escapeChar = ast.getEscapeCharacter();
  const diagnostics: Diagnostic[] = [];
  const instructions: DockerInstruction[] = [];
  const stages: {
    index: number;
    name: string | undefined;
    baseImage: string;
    baseStage: number | undefined;
    instructions: DockerInstruction[];
    env: Map<string, string>;
  }[] = [];
  const metaArgs = new Map<string, string>();
  let args = new Map<string, string>();
  let env = new Map<string, string>();
  const scope = (): LexOptions => ({ variables: new Map([...args, ...env]), escape: escapeChar });

  for (const node of ast.getInstructions()) {
    const keyword = node.getKeyword().toUpperCase();
    const line = node.getRange().start.line + 1;
    const endLine = node.getRange().end.line + 1;
    if (!knownKeywords.includes(keyword)) {
      const suggestion = didYouMean(keyword, knownKeywords);
      diagnostics.push({
        severity: 'error',
        code: 'dockerfile-unknown-instruction',
        message: `unknown instruction: ${node.getInstruction()}`,
        file,
        line,
        ...(suggestion ? { hint: `did you mean ${suggestion}?` } : {}),
      });
    }
    const content = argumentsContent(node);
    const inStage = stages.length > 0;
    const lex: LexOptions = inStage ? scope() : { variables: metaArgs, escape: escapeChar };
    const { flags, rest } = takeFlags(node, content, lex);
    const json = parseJsonArray(rest);
    const words = json
      ? json.map((w) => (expandsIn(keyword) ? expandWord(w, lex) : w))
      : expandsIn(keyword)
        ? splitWords(rest, lex)
        : [rest.trim()];
    let stage = inStage ? stages.length - 1 : undefined;

    if (keyword === 'FROM') {
      const image = splitWords(rest, { variables: metaArgs, escape: escapeChar });
      const baseImage = image[0] ?? '';
      const name = image[1]?.toUpperCase() === 'AS' ? image[2]?.toLowerCase() : undefined;
      const baseStage = stages.find((s) => s.name !== undefined && s.name === baseImage.toLowerCase());
      args = new Map();
      env = new Map(baseStage?.env ?? []);
      stages.push({ index: stages.length, name, baseImage, baseStage: baseStage?.index, instructions: [], env });
      stage = stages.length - 1;
    } else if (!inStage && keyword !== 'ARG') {
      diagnostics.push({
        severity: 'error',
        code: 'dockerfile-instruction-before-from',
        message: `${keyword} comes before the first FROM; only ARG may`,
        file,
        line,
      });
    }

    if (keyword === 'ARG') {
      for (const word of splitWords(rest, { variables: new Map(), escape: '\u0000' })) {
        const eq = word.indexOf('=');
        const name = eq === -1 ? word : word.slice(0, eq);
        const fallback = eq === -1 ? (inStage ? metaArgs.get(name) : undefined) : expandWord(unquote(word.slice(eq + 1)), lex);
        const value = buildArgs[name] ?? fallback;
        const target = inStage ? args : metaArgs;
        if (value !== undefined) target.set(name, value);
      }
    } else if (keyword === 'ENV' && inStage) {
      for (const [name, value] of envPairs(rest, lex)) env.set(name, value);
    }

    const copy =
      keyword === 'COPY' || keyword === 'ADD'
        ? copySpec({ flags, words, rest, stages, own: stages.length - 1 })
        : keyword === 'RUN'
          ? bindMountSpec(mountFlags(node, lex), stages, stages.length - 1)
          : undefined;
    const instruction: DockerInstruction = {
      index: instructions.length + 1,
      line,
      endLine,
      keyword,
      stage,
      flags,
      args: words,
      form: json ? 'json' : 'shell',
      text: displayText(node, escapeChar),
      signature: signatureOf(keyword, content, flags, words, keyword === 'RUN' ? args : new Map()),
      copy,
    };
    instructions.push(instruction);
    if (stage !== undefined) stages[stage]?.instructions.push(instruction);
  }
  const frontend = syntaxDirective(text);
  const foreignFrontend = frontend !== undefined && !isDockerfileFrontend(frontend) ? frontend : undefined;
  if (foreignFrontend) {
    diagnostics.push({
      severity: 'warning',
      code: 'dockerfile-frontend-unmodelled',
      message: `cannot predict the build cache from step 1: the Dockerfile is built by the frontend ${foreignFrontend} (# syntax=), which devloop does not model; any change in the build context rebuilds`,
      file,
      line: 1,
    });
  }
  return {
    file,
    escape: escapeChar,
    instructions,
    stages: stages.map(({ env: _env, ...s }) => s),
    diagnostics,
    foreignFrontend,
  };
}

/**
 * Why a file given as a Dockerfile cannot be one (binary content, or no
 * FROM at all), so that callers say "not a Dockerfile" instead of failing
 * later on a stage that does not exist; undefined for a real Dockerfile.
 */
export function notADockerfile(text: string, model: DockerfileModel): string | undefined {
  if (text.includes('\u0000') || text.includes('\uFFFD')) return 'it is binary, not text';
  if (model.stages.length === 0) return 'it has no FROM instruction';
  return undefined;
}

/** The stage a `--target` names, or the last stage. Undefined when no stage has that name. */
export function targetStage(model: DockerfileModel, target: string | undefined): Stage | undefined {
  if (target === undefined) return model.stages.at(-1);
  return model.stages.find((s) => s.name === target.toLowerCase());
}

/**
 * Stages the target needs: its base chain and the stages its `COPY --from`
 * reads, transitively. BuildKit builds only these; devloop counts only these.
 */
export function neededStages(model: DockerfileModel, target: Stage): Set<number> {
  const needed = new Set<number>();
  const visit = (index: number): void => {
    if (needed.has(index)) return;
    needed.add(index);
    const stage = model.stages[index];
    if (!stage) return;
    if (stage.baseStage !== undefined) visit(stage.baseStage);
    for (const instruction of stage.instructions) {
      if (instruction.copy?.from.kind === 'stage') visit(instruction.copy.from.stage);
    }
  };
  visit(target.index);
  return needed;
}

/** Number of instructions Docker counts when building up to `target` (the `M` of `Step N/M`). */
export function stepCount(model: DockerfileModel, target: Stage): number {
  return target.instructions.at(-1)?.index ?? model.instructions.length;
}

function expandsIn(keyword: string): boolean {
  return ['ADD', 'COPY', 'ENV', 'EXPOSE', 'FROM', 'LABEL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR', 'ONBUILD', 'ARG'].includes(keyword);
}

function argumentsContent(node: AstInstruction): string {
  return node.getArgumentsContent() ?? '';
}

/** dockerfile-ast already strips flags from the arguments of COPY, ADD, FROM and friends; older forms keep them inline. */
function takeFlags(node: AstInstruction, content: string, lex: LexOptions): { flags: Map<string, string>; rest: string } {
  const flags = new Map<string, string>();
  if (node instanceof ModifiableInstruction) {
    for (const flag of node.getFlags()) flags.set(flag.getName(), expandWord(unquote(flag.getValue() ?? ''), lex));
  }
  let rest = content;
  for (;;) {
    const match = /^\s*--([A-Za-z][A-Za-z0-9-]*)(?:=("[^"]*"|\S*))?(?=\s|$)/.exec(rest);
    if (!match) break;
    flags.set(match[1] as string, expandWord(unquote(match[2] ?? ''), lex));
    rest = rest.slice(match[0].length);
  }
  return { flags, rest: rest.trim() };
}

function parseJsonArray(text: string): string[] | undefined {
  if (!text.startsWith('[')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
  } catch {
    return undefined;
  }
}

function unquote(text: string): string {
  return text.length >= 2 && (text[0] === '"' || text[0] === "'") && text.at(-1) === text[0] ? text.slice(1, -1) : text;
}

function envPairs(text: string, lex: LexOptions): [string, string][] {
  const words = splitWords(text, lex);
  if (words.length > 0 && !words[0]?.includes('=')) {
    // Legacy form: `ENV NAME value with spaces`.
    const [name = '', ...value] = words;
    return [[name, value.join(' ')]];
  }
  return words.map((w) => {
    const eq = w.indexOf('=');
    return [w.slice(0, eq), w.slice(eq + 1)];
  });
}

/** Every `--mount=` of an instruction (a flag that may repeat), expanded. */
function mountFlags(node: AstInstruction, lex: LexOptions): string[] {
  if (!(node instanceof ModifiableInstruction)) return [];
  return node
    .getFlags()
    .filter((flag) => flag.getName() === 'mount')
    .map((flag) => expandWord(unquote(flag.getValue() ?? ''), lex));
}

function signatureOf(
  keyword: string,
  content: string,
  flags: ReadonlyMap<string, string>,
  words: readonly string[],
  argsInScope: ReadonlyMap<string, string>,
): string {
  const flagText = [...flags].map(([k, v]) => `--${k}=${v}`).join(' ');
  if (keyword === 'RUN') {
    const argText = [...argsInScope].map(([k, v]) => `${k}=${v}`).join(' ');
    return `RUN|${argText}|${flagText}|${content}`;
  }
  return `${keyword}|${flagText}|${words.join('\u0000')}`;
}

/** The instruction on one line as written: flags kept, continuations joined, whitespace collapsed. */
function displayText(node: AstInstruction, escapeChar: string): string {
  const lines = node
    .getTextContent()
    .split(/\r?\n/)
    .filter((l, i) => i === 0 || !/^\s*#/.test(l))
    .map((l) => (l.trimEnd().endsWith(escapeChar) ? l.trimEnd().slice(0, -1) : l));
  return `${node.getKeyword().toUpperCase()}${lines.join(' ').trim().replace(/^\S+/, '')}`.replace(/\s+/g, ' ').trim();
}
