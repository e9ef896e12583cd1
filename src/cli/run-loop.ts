import * as path from 'node:path';
import type { LoadedConfig } from '../config/load-config.ts';
import { loadConfig } from '../config/load-config.ts';
import type { ResolvedConfig } from '../config/resolved-config.ts';
import type { SeenFileChange } from '../core/file-change.ts';
import { err, ok } from '../core/result.ts';
import { batchKind, reloadConfig } from '../engine/config-reload.ts';
import { DevLoop } from '../engine/dev-loop.ts';
import type { LogStore } from '../engine/log-store.ts';
import type { Store } from '../engine/store.ts';
import { Batcher } from '../watch/batcher.ts';
import { ChokidarWatcher } from '../watch/chokidar-watcher.ts';
import { createWatchFilter, watchRoots } from '../watch/watch-filter.ts';
import type { CliContext, GlobalOptions } from './cli-context.ts';
import { loadOptions } from './load-command-config.ts';
import { allLocalDepPatterns } from './local-model.ts';
import { openSession, type Session, type SessionError } from './session.ts';
import { startWatcher } from './watch-feed.ts';

/** What the supervisor reports besides actions: notices, fatal session errors and internal errors. */
export interface LoopOutput {
  notice(message: string): void;
  sessionFailed(error: SessionError): void;
  /** An exception escaped the loop (a bug): the run must end. */
  fault(error: unknown): void;
}

/**
 * Runs the loop for one configuration at a time: opens a session, starts the
 * watcher and the first pass, and on an edit of the config file reloads it —
 * a broken edit only shows its diagnostics while the last good configuration
 * keeps running.
 */
export class LoopSupervisor {
  readonly #ctx: CliContext;
  readonly #globals: GlobalOptions;
  readonly #store: Store;
  readonly #logs: LogStore;
  readonly #output: LoopOutput;
  readonly #watch: boolean;
  readonly #now: () => number;
  #session: Session | undefined;
  #loop: DevLoop | undefined;
  #watcher: ChokidarWatcher | undefined;
  #batcher: Batcher | undefined;
  #configFiles = new Set<string>();
  #paused = false;
  /** Set by `stop()`: a start still opening its session must not start a loop after it. */
  #stopped = false;

  /** Applied to every configuration loaded again, as to the first (see `targetOrSandbox`). */
  readonly #retarget: (config: ResolvedConfig) => ResolvedConfig;

  constructor(options: {
    ctx: CliContext;
    globals: GlobalOptions;
    store: Store;
    logs: LogStore;
    output: LoopOutput;
    watch: boolean;
    retarget?: (config: ResolvedConfig) => ResolvedConfig;
    /** The clock of every action it dispatches (tests pass their own). */
    now?: () => number;
  }) {
    this.#now = options.now ?? Date.now;
    this.#retarget = options.retarget ?? ((config) => config);
    this.#ctx = options.ctx;
    this.#globals = options.globals;
    this.#store = options.store;
    this.#logs = options.logs;
    this.#output = options.output;
    this.#watch = options.watch;
  }

  /** Opens the session for `loaded` and runs the first pass (resolves when it is done; rejects on a bug). */
  async start(loaded: LoadedConfig, opened?: Session): Promise<boolean> {
    const session = opened
      ? { ok: true as const, value: opened }
      : await openSession(this.#ctx, loaded.config, (m) => this.#output.notice(m));
    if (!session.ok) {
      this.#output.sessionFailed(session.error);
      return false;
    }
    this.#session = session.value;
    // Logs and port forwards follow pods by label, so they start first: an app
    // a previous session left running is served while this one gets ready.
    for (const resource of session.value.model.resources)
      session.value.logFollower.follow(resource.name, (line) => this.#logs.append(line));
    // Secret files count like the config: an edit re-plans, and the new content's hash changes the digest.
    const secretFiles = Object.values(loaded.config.images).flatMap((i) =>
      Object.values(i.secrets).flatMap((s) => ('file' in s ? [s.file] : [])),
    );
    this.#configFiles = new Set([loaded.config.configFile, ...(loaded.config.localFile ? [loaded.config.localFile] : []), ...secretFiles]);
    // Watching starts beside cluster discovery; changes seen before the loop exists wait in the batcher.
    // The watcher's scan of the tree waits for the first plan, which walks the same files.
    let firstPlanDone = () => {};
    const firstPlan = new Promise<void>((resolve) => {
      firstPlanDone = resolve;
    });
    const unsubscribe = this.#store.subscribe((action) => {
      if (action.type === 'plan-completed' || action.type === 'plan-failed') firstPlanDone();
    });
    try {
      return await this.#firstPass(loaded, session.value, this.#watch ? this.#startWatching(session.value, firstPlan) : Promise.resolve());
    } finally {
      unsubscribe();
      firstPlanDone();
    }
  }

  /** Waits for the cluster check and for watching to start, then runs the first pass (false when the session cannot go on). */
  async #firstPass(loaded: LoadedConfig, session: Session, watching: Promise<void>): Promise<boolean> {
    const preflight = await session.deliverer.preflight();
    await watching;
    if (!preflight.ok) {
      this.#output.sessionFailed({
        kind: 'failure',
        diagnostics: [
          {
            severity: 'error',
            code: preflight.error.reason,
            message: preflight.error.message,
            ...(preflight.error.fix ? { hint: preflight.error.fix } : {}),
          },
        ],
      });
      return false;
    }
    if (this.#stopped) return false;
    this.#loop = new DevLoop({
      store: this.#store,
      logs: this.#logs,
      model: session.model,
      planner: session.images,
      builder: session.images,
      deliverer: session.deliverer,
      deployer: session.deployer,
      logFollower: session.logFollower,
      syncPlanner: session.syncPlanner,
      liveUpdater: session.liveUpdater,
      localRunner: session.localRunner,
      probe: session.probe,
      onFault: (error) => this.#output.fault(error),
      rootDir: loaded.config.rootDir,
      now: this.#now,
    });
    const firstPass = this.#loop.start();
    // Changes seen since the watcher started now queue behind the first pass.
    if (!this.#paused) this.#batcher?.resume();
    await firstPass;
    return true;
  }

  async #startWatching(session: Session, scanAfter: Promise<void>): Promise<void> {
    const { config } = session;
    const input = {
      rootDir: config.rootDir,
      contexts: session.contexts,
      configFiles: [...this.#configFiles, path.join(config.rootDir, 'devloop.local.config.ts')],
      manifests: session.manifestPatterns,
      localDeps: allLocalDepPatterns(config),
      ignore: config.watch.ignore,
    };
    this.#batcher = new Batcher({
      quietMs: config.watch.debounceMs,
      onBatch: (changes) => void this.#onBatch(changes).catch((error: unknown) => this.#output.fault(error)),
    });
    // Held until the loop exists (`start` resumes it unless the user paused).
    this.#batcher.pause();
    this.#watcher = new ChokidarWatcher({ roots: watchRoots(input), filter: createWatchFilter(input), fs: this.#ctx.fs });
    await startWatcher(this.#watcher, {
      store: this.#store,
      now: this.#now,
      onChange: (file, kind) => this.#batcher?.add(file, kind),
      scanAfter,
    });
  }

  async #onBatch(changes: SeenFileChange[]): Promise<void> {
    const kind = batchKind(changes, {
      isConfigFile: (file) => this.#configFiles.has(file) || path.basename(file).startsWith('devloop.local.config.'),
      isManifest: (file) => this.#session?.model.isManifest(file) === true,
    });
    if (kind === 'changes') {
      await this.#loop?.changes(changes);
      return;
    }
    await reloadConfig<{ loaded: LoadedConfig; session: Session }>({
      store: this.#store,
      now: this.#now,
      open: async () => {
        const reloaded = await loadConfig(loadOptions(this.#ctx, this.#globals));
        if (!reloaded.ok) return reloaded;
        const loaded = { ...reloaded.value, config: this.#retarget(reloaded.value.config) };
        const session = await openSession(this.#ctx, loaded.config, (m) => this.#output.notice(m));
        return session.ok ? ok({ loaded, session: session.value }) : err(session.error.diagnostics);
      },
      stop: () => this.#stopCurrent(),
      start: ({ loaded, session }) => this.start(loaded, session),
      notice: (m) => this.#output.notice(m),
      stopping: () => this.#ctx.signal.aborted,
    });
  }

  /** A manual trigger for a resource. */
  trigger(resource: string): void {
    void this.#loop?.trigger(resource).catch((error: unknown) => this.#output.fault(error));
  }

  /** Pauses or resumes acting on file changes (changes made meanwhile are kept). */
  togglePause(): void {
    this.#paused = !this.#paused;
    if (this.#paused) {
      this.#batcher?.pause();
      this.#store.dispatch({ type: 'watch-paused', at: this.#now() });
    } else {
      this.#store.dispatch({ type: 'watch-resumed', at: this.#now() });
      // Before the loop exists the batcher stays held: `start` resumes it.
      if (this.#loop) this.#batcher?.resume();
    }
  }

  /** Resolves when no iteration is running. */
  async idle(): Promise<void> {
    await this.#loop?.idle();
  }

  /** Resolves when the watcher's scan of every file, which follows the first plan, is done (for measurements). */
  async watchScanned(): Promise<void> {
    await this.#watcher?.scanned;
  }

  async #stopCurrent(): Promise<void> {
    this.#batcher?.dispose();
    await this.#watcher?.close();
    await this.#loop?.stop();
    this.#session?.logFollower.stopAll();
    await this.#session?.index.save().catch(() => undefined);
    await this.#session?.index.close();
    this.#watcher = undefined;
    this.#batcher = undefined;
    this.#loop = undefined;
  }

  /** Stops watching, cancels running work (killing child processes), stops logs and port forwards. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#store.dispatch({ type: 'engine-stopping', at: this.#now() });
    await this.#stopCurrent();
  }
}
