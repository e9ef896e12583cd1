import type { ResolvedSecret } from '../config/resolved-config.ts';
import { imageName, parseImageRef } from '../core/image-ref.ts';
import { redactText, secretValues } from '../core/redact.ts';
import { err, ok, type Result } from '../core/result.ts';
import type { DockerfileModel } from '../graph/dockerfile-model.ts';
import type { FileSystem } from '../system/file-system.ts';
import type { ProcessRunner, RunResult } from '../system/process-runner.ts';
import { type BuildProgress, buildkitProgressParser, classicProgressParser, type ProgressParser } from './build-output.ts';
import { contextArchive } from './context-archive.ts';
import { engineBuild } from './engine-build.ts';

/** One `docker build`. */
export interface BuildRequest {
  /** Absolute context directory. */
  readonly context: string;
  /** Absolute Dockerfile path. */
  readonly dockerfile: string;
  readonly target: string | undefined;
  /** Passed by name (`--build-arg NAME`) with the value in docker's environment, so `ps` never shows it. */
  readonly buildArgs: Readonly<Record<string, string>>;
  /** BuildKit secrets by id (`--secret id=…,env=…|src=…`); an image with secrets is built with BuildKit. */
  readonly secrets?: Readonly<Record<string, ResolvedSecret>>;
  /** `repository:tag` to give the result. */
  readonly reference: string;
  /** More names for the same image, e.g. the registry reference it is pushed as: no `docker tag` later. */
  readonly alsoTag?: readonly string[];
  /** Input digest, recorded as the label `devloop.digest`. */
  readonly digest: string;
  /** Parsed Dockerfile, to map BuildKit's per-stage step numbers to file-wide ones. */
  readonly model?: DockerfileModel;
  /** `--network` for RUN steps, e.g. `host` on daemons without a bridge network. */
  readonly network?: string;
  /** Aborting kills docker and everything it started. */
  readonly signal?: AbortSignal;
  readonly onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  readonly onProgress?: (progress: BuildProgress) => void;
}

/** Where builds can go straight to the Docker engine: its socket, and the files to archive contexts from. */
export interface EngineBuilds {
  readonly socketPath: string;
  readonly fs: FileSystem;
}

/** A finished build. */
export interface BuildSuccess {
  readonly reference: string;
  readonly digest: string;
  readonly builder: BuilderKind;
  /** Built by the engine's own BuildKit endpoint, no process run (see `engineBuild`). */
  readonly viaEngine?: boolean;
  readonly durationMs: number;
  /** Step indices Docker took from its cache, and those it ran. */
  readonly cachedSteps: readonly number[];
  readonly executedSteps: readonly number[];
}

/** Why a build did not produce an image. */
export type BuildFailure =
  | { readonly reason: 'docker-unavailable'; readonly message: string }
  | { readonly reason: 'build-cancelled' }
  | {
      readonly reason: 'build-failed';
      /** The step that failed, as Docker numbered it. */
      readonly step: { readonly index: number; readonly text: string } | undefined;
      readonly exitCode: number | undefined;
      readonly message: string;
      /** The last lines of output, for showing what went wrong. */
      readonly outputTail: readonly string[];
    };

/**
 * `buildx`: BuildKit through `docker buildx build --load`; `buildkit`: `docker
 * build` with `DOCKER_BUILDKIT=1` (the daemon's embedded BuildKit, for images
 * with secrets where there is no buildx); `classic`: the legacy builder.
 */
export type BuilderKind = 'buildx' | 'buildkit' | 'classic';

const tailLength = 40;

/**
 * Runs `docker build` through the ProcessRunner (never a shell), streams its
 * lines, parses step progress, and turns the outcome into a `Result`.
 * BuildKit is used through buildx when `docker buildx version` works,
 * otherwise the classic builder with `DOCKER_BUILDKIT=0` — except for images
 * with secrets, which the classic builder cannot mount: those get
 * `DOCKER_BUILDKIT=1`. Build-arg values travel in docker's environment, not
 * its command line, and are masked in the lines it prints.
 */
export class DockerBuilder {
  readonly #runner: ProcessRunner;
  #kind: Promise<BuilderKind> | undefined;
  /** References known to exist (built or seen in this run): asked about only once. */
  readonly #known = new Set<string>();
  /** The tags each repository had when first asked about, by repository. */
  readonly #listed = new Map<string, Promise<TagListing>>();

  /** The buildx plugin's path, run directly for builds; `docker buildx` when there is none. */
  #buildx: Promise<string | undefined> | undefined;
  readonly #findBuildx: () => Promise<string | undefined>;
  readonly #engine: EngineBuilds | undefined;

  constructor({
    runner,
    kind,
    findBuildx,
    engine,
  }: {
    runner: ProcessRunner;
    kind?: BuilderKind;
    /** Finds the buildx plugin's executable (see `findBuildxPlugin`). */
    findBuildx?: () => Promise<string | undefined>;
    /** Where BuildKit builds of small contexts go straight to the engine (see `engineBuild`); without it every build runs docker. */
    engine?: EngineBuilds;
  }) {
    this.#runner = runner;
    this.#engine = engine;
    if (kind) this.#kind = Promise.resolve(kind);
    this.#findBuildx = findBuildx ?? (async () => undefined);
  }

  /** Which builder this machine has (`buildx` or `classic`); asked once. */
  builderKind(): Promise<BuilderKind> {
    this.#kind ??= this.#runner.run('docker', ['buildx', 'version']).then((r) => (r.exitCode === 0 ? 'buildx' : 'classic'));
    return this.#kind;
  }

  /**
   * The process a build runs: `docker …`, or for buildx its plugin directly
   * (buildx's standalone mode: the same builder without the docker CLI in front).
   */
  async #process(kind: BuilderKind, args: string[]): Promise<{ command: string; args: string[] }> {
    if (kind !== 'buildx') return { command: 'docker', args };
    this.#buildx ??= this.#findBuildx().catch(() => undefined);
    const plugin = await this.#buildx;
    return plugin ? { command: plugin, args: args.slice(1) } : { command: 'docker', args };
  }

  /**
   * True when the local engine has this image; how a digest already built is
   * recognised. The first question about a repository lists its tags once
   * (`docker image ls`); later questions are answered from that list and the
   * builds of this run, so a replan after an edit, whose content tag is new,
   * calls no docker at all. A tag someone else builds meanwhile is answered
   * "missing": devloop then builds it too, from Docker's cache, to the same image.
   */
  async imageExists(reference: string): Promise<Result<boolean, Extract<BuildFailure, { reason: 'docker-unavailable' }>>> {
    if (this.#known.has(reference)) return ok(true);
    const { tag } = parseImageRef(reference);
    const tags = tag === undefined ? undefined : await this.#tagsOf(imageName(reference));
    if (tags && !tags.ok) return tags;
    if (tags?.ok && tag !== undefined) {
      if (tags.value.has(tag)) this.#known.add(reference);
      return ok(tags.value.has(tag));
    }
    const r = await this.#runner.run('docker', ['image', 'inspect', '--format', '{{.Id}}', reference]);
    if (unavailable(r)) return err({ reason: 'docker-unavailable', message: unavailableMessage(r) });
    if (r.exitCode === 0) this.#known.add(reference);
    return ok(r.exitCode === 0);
  }

  /**
   * Asks Docker now, in the background, what the first plan and build will
   * ask (which builder; each repository's tags), so those answers are ready
   * by the time the session has opened instead of adding to the first pass.
   */
  prefetch(repositories: readonly string[]): void {
    void this.builderKind().catch(() => undefined);
    for (const repository of repositories) void this.#tagsOf(repository).catch(() => undefined);
  }

  /** The repository's tags, listed once; undefined when docker could not list them (then each reference is inspected). */
  #tagsOf(repository: string): Promise<TagListing> {
    let listing = this.#listed.get(repository);
    if (!listing) {
      listing = this.#runner.run('docker', ['image', 'ls', '--format', '{{.Tag}}', repository]).then((r): TagListing => {
        if (unavailable(r)) {
          // Not remembered: the next question asks again, once the daemon may be back.
          this.#listed.delete(repository);
          return err({ reason: 'docker-unavailable', message: unavailableMessage(r) });
        }
        if (r.exitCode !== 0) return undefined;
        return ok(
          new Set(
            r.stdout
              .split('\n')
              .map((l) => l.trim())
              .filter((l) => l !== '' && l !== '<none>'),
          ),
        );
      });
      this.#listed.set(repository, listing);
    }
    return listing;
  }

  /** True when the Docker engine answers (`docker version` reaches the daemon): how a wait for it ends. */
  async answers(signal?: AbortSignal): Promise<boolean> {
    const r = await this.#runner.run('docker', ['version', '--format', '{{.Server.Version}}'], {
      timeoutMs: 5000,
      ...(signal ? { signal } : {}),
    });
    return r.exitCode === 0 && !unavailable(r);
  }

  /** Builds one image. */
  async build(request: BuildRequest): Promise<Result<BuildSuccess, BuildFailure>> {
    const machine = await this.builderKind();
    const kind: BuilderKind = machine === 'classic' && Object.keys(request.secrets ?? {}).length > 0 ? 'buildkit' : machine;
    // Secrets and secret-looking build args stay with buildx: the engine's endpoint takes build args in its URL, which a daemon logging at debug level writes down.
    if (
      kind === 'buildx' &&
      this.#engine &&
      Object.keys(request.secrets ?? {}).length === 0 &&
      secretValues(request.buildArgs).length === 0
    ) {
      const built = await this.#buildByEngine(this.#engine, request);
      if (built) return built;
    }
    const command = await this.#process(kind, buildArguments(request, kind));
    const progress = buildProgress(
      request,
      kind === 'classic' ? classicProgressParser() : buildkitProgressParser(stepMapper(request.model, request.target)),
    );
    const { parser, known, tail, cached, executed } = progress;
    const result = await this.#runner.run(command.command, command.args, {
      cwd: request.context,
      env: { ...buildArgEnvironment(request.buildArgs), ...builderEnvironment[kind] },
      signal: request.signal,
      onLine: progress.onLine,
    });
    if (result.cancelled || request.signal?.aborted) return err({ reason: 'build-cancelled' });
    if (unavailable(result)) return err({ reason: 'docker-unavailable', message: unavailableMessage(result) });
    if (result.exitCode !== 0) {
      const lines =
        tail.length > 0
          ? tail
          : `${result.stdout}\n${result.stderr}`
              .split('\n')
              .slice(-tailLength)
              .map((l) => redactText(l, known));
      const message =
        kind === 'buildkit' && /buildx component is missing/.test(lines.join('\n'))
          ? 'the image has secrets, which need BuildKit, and this docker CLI has no buildx plugin: install it (docker-buildx-plugin, or docker-buildx on Debian)'
          : ([...lines].reverse().find((l) => l.trim() !== '' && !/^(DEPRECATED|\s+BuildKit is|\s+environment-variable)/.test(l)) ??
            'docker build failed');
      return err({
        reason: 'build-failed',
        step: parser.currentStep,
        exitCode: result.exitCode,
        message: message.trim(),
        outputTail: lines,
      });
    }
    progress.finish();
    this.#known.add(request.reference);
    for (const reference of request.alsoTag ?? []) this.#known.add(reference);
    return ok({
      reference: request.reference,
      digest: request.digest,
      builder: kind,
      durationMs: result.durationMs,
      cachedSteps: cached,
      executedSteps: executed,
    });
  }

  /**
   * The build by the engine's own BuildKit, the context in the request
   * (`engineBuild`); undefined when this one must go through buildx: a
   * context `contextArchive` does not take, an engine that does not answer
   * on the socket, or a base image that needs credentials only the docker
   * CLI has.
   */
  async #buildByEngine(engine: EngineBuilds, request: BuildRequest): Promise<Result<BuildSuccess, BuildFailure> | undefined> {
    const archive = await contextArchive(engine.fs, request).catch(() => undefined);
    if (!archive) return undefined;
    const progress = buildProgress(request, buildkitProgressParser(stepMapper(request.model, request.target)));
    const { parser, known, tail, cached, executed } = progress;
    const started = performance.now();
    const result = await engineBuild({
      socketPath: engine.socketPath,
      archive: archive.archive,
      dockerfile: archive.dockerfile,
      tags: [request.reference, ...(request.alsoTag ?? [])],
      labels: { 'devloop.digest': request.digest },
      buildArgs: request.buildArgs,
      target: request.target,
      network: request.network,
      signal: request.signal,
      onLine: (line) => progress.onLine(line, 'stderr'),
    });
    if (!result.ok) {
      if (result.error.reason === 'cancelled' || request.signal?.aborted) return err({ reason: 'build-cancelled' });
      if (result.error.reason === 'unreachable') return undefined;
      if (/unauthorized|authentication required|denied|no basic auth/i.test(result.error.message)) return undefined;
      return err({
        reason: 'build-failed',
        step: parser.currentStep,
        exitCode: 1,
        message: redactText(result.error.message, known).trim(),
        outputTail: tail,
      });
    }
    progress.finish();
    this.#known.add(request.reference);
    for (const reference of request.alsoTag ?? []) this.#known.add(reference);
    return ok({
      reference: request.reference,
      digest: request.digest,
      builder: 'buildx',
      viaEngine: true,
      durationMs: performance.now() - started,
      cachedSteps: cached,
      executedSteps: executed,
    });
  }
}

/**
 * What a build's lines become, however the build runs: each line masked of
 * secret build-arg values, kept in the tail a failure shows, passed on, and
 * parsed into step progress (cached and executed steps counted).
 */
function buildProgress(request: BuildRequest, parser: ProgressParser) {
  const known = secretValues(request.buildArgs);
  const tail: string[] = [];
  const cached: number[] = [];
  const executed: number[] = [];
  const emit = (events: BuildProgress[]): void => {
    for (const e of events) {
      if (e.kind === 'cached') cached.push(e.index);
      if (e.kind === 'executed') executed.push(e.index);
      request.onProgress?.(e);
    }
  };
  return {
    parser,
    known,
    tail,
    cached,
    executed,
    onLine: (raw: string, stream: 'stdout' | 'stderr'): void => {
      const line = redactText(raw, known);
      tail.push(line);
      if (tail.length > tailLength) tail.shift();
      request.onLine?.(line, stream);
      emit(parser.push(line));
    },
    finish: (): void => emit(parser.finish()),
  };
}

/** A repository's tags; undefined when `docker image ls` failed for another reason than an unreachable daemon. */
type TagListing = Result<ReadonlySet<string>, Extract<BuildFailure, { reason: 'docker-unavailable' }>> | undefined;

const builderEnvironment: Readonly<Record<BuilderKind, Readonly<Record<string, string>>>> = {
  // No `git` run for provenance labels on every build: devloop's images stay local.
  buildx: { BUILDX_GIT_INFO: '0' },
  buildkit: { DOCKER_BUILDKIT: '1' },
  classic: { DOCKER_BUILDKIT: '0' },
};

/**
 * The docker arguments for a request; exported for tests and for showing the
 * command. Holds no build-arg value that can travel in the environment and
 * no secret: secrets are named by id and variable or file.
 */
export function buildArguments(request: BuildRequest, kind: BuilderKind): string[] {
  const args =
    kind === 'buildx' ? ['buildx', 'build', '--load', '--progress=plain'] : kind === 'buildkit' ? ['build', '--progress=plain'] : ['build'];
  args.push('-f', request.dockerfile, '-t', request.reference);
  for (const reference of request.alsoTag ?? []) args.push('-t', reference);
  args.push('--label', `devloop.digest=${request.digest}`);
  if (request.target) args.push('--target', request.target);
  if (request.network) args.push('--network', request.network);
  for (const [name, value] of sortedEntries(request.buildArgs)) {
    args.push('--build-arg', byEnvironment(name) ? name : `${name}=${value}`);
  }
  for (const [id, secret] of sortedEntries(request.secrets ?? {})) {
    args.push('--secret', 'env' in secret ? `id=${id},env=${secret.env}` : `id=${id},${csvField(`src=${secret.file}`)}`);
  }
  args.push(request.context);
  return args;
}

/** The build args docker reads from its environment for a bare `--build-arg NAME`. */
export function buildArgEnvironment(buildArgs: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(buildArgs).filter(([name]) => byEnvironment(name)));
}

/**
 * Whether a build arg can travel in docker's environment: a plain variable
 * name that the docker CLI does not read itself (`PATH`, `HOME`, `DOCKER_*`,
 * `BUILDKIT_*`, `BUILDX_*` would change how docker runs, so those stay on
 * the command line).
 */
function byEnvironment(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !/^(PATH|HOME|DOCKER_\w*|BUILDKIT_\w*|BUILDX_\w*)$/i.test(name);
}

function sortedEntries<T>(record: Readonly<Record<string, T>>): [string, T][] {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A `--secret` field quoted the way docker's CSV parser reads it, for paths with commas or quotes. */
function csvField(field: string): string {
  return /[",\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}

function stepMapper(model: DockerfileModel | undefined, target: string | undefined) {
  return (label: string | undefined, step: number): number | undefined => {
    if (!model) return undefined;
    const byLabel =
      label === undefined
        ? target === undefined
          ? model.stages.at(-1)
          : model.stages.find((s) => s.name === target.toLowerCase())
        : (model.stages.find((s) => s.name === label.toLowerCase()) ?? model.stages[Number(/^stage-(\d+)$/.exec(label)?.[1] ?? -1)]);
    // A stage built FROM an earlier stage has no FROM step of its own.
    const steps = byLabel?.instructions.filter(
      (i) => buildkitSteps.has(i.keyword) && !(i.keyword === 'FROM' && byLabel.baseStage !== undefined),
    );
    return steps?.[step - 1]?.index;
  };
}

/**
 * The instructions BuildKit numbers as steps (`[stage k/n]`): those that
 * change the filesystem. ARG, ENV, USER, CMD and other metadata are not steps.
 */
const buildkitSteps = new Set(['FROM', 'WORKDIR', 'COPY', 'ADD', 'RUN']);

/** The docker CLI's words for an engine it cannot reach, and buildx's (`failed to connect to the docker API at …`). */
const engineUnreachable =
  /Cannot connect to the Docker daemon|error during connect|docker daemon is not running|failed to connect to the docker API/i;

function unavailable(r: RunResult): boolean {
  return r.notFound || engineUnreachable.test(r.stderr);
}

function unavailableMessage(r: RunResult): string {
  return r.notFound
    ? 'the docker CLI is not installed (not found on PATH)'
    : (r.stderr
        .split('\n')
        .find((l) => engineUnreachable.test(l))
        ?.trim() ?? 'docker is not reachable');
}
