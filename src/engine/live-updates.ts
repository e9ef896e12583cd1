import type { FileChange } from '../core/file-change.ts';
import type { Action } from './actions.ts';
import type { LoopResource } from './loop-model.ts';
import type { ImagePlan, LiveUpdater, SyncFile, SyncPlanner } from './ports.ts';
import type { EngineState, ResourceState } from './state.ts';

/** What a resource's live update copies in this iteration, per image. */
export interface SyncWork {
  readonly images: readonly {
    readonly image: string;
    readonly tag: string;
    readonly files: readonly SyncFile[];
    readonly runs: readonly (readonly string[])[];
  }[];
  /** A re-sync of everything synced since the image, into pods that replaced synced ones. */
  readonly resync: boolean;
}

/** Too many changes since the image to keep copying them one by one: rebuild. */
const maxBacklog = 2000;

/**
 * The engine's side of live update. It keeps, per resource, the changes
 * since its containers last matched a known state (so a sync that was
 * cancelled or failed is never lost: its files travel with the next one) and
 * the files synced since the image was built (so a pod that replaces a
 * synced one gets them again). It asks the planner whether a resource's
 * changes may be synced, runs the sync through the `LiveUpdater`, and turns
 * a failure the image will repeat (no tar, a directory the user may not
 * write) off until the Dockerfile changes, so its explanation shows once.
 */
export class LiveUpdates {
  readonly #planner: SyncPlanner | undefined;
  readonly #updater: LiveUpdater | undefined;
  readonly #dispatch: (action: Action) => void;
  readonly #now: () => number;
  #backlog = new Map<string, FileChange[]>();
  /** Resource → image → container path → the file synced there since the image. */
  #ahead = new Map<string, Map<string, Map<string, SyncFile>>>();
  /** Image → the Dockerfile key a lasting failure was seen with. */
  #off = new Map<string, string>();
  #resync = new Set<string>();

  constructor(options: { planner?: SyncPlanner; updater?: LiveUpdater; dispatch: (action: Action) => void; now: () => number }) {
    this.#planner = options.planner;
    this.#updater = options.updater;
    this.#dispatch = options.dispatch;
    this.#now = options.now;
  }

  /** A batch arrived: every resource's backlog gets it. */
  note(resources: readonly LoopResource[], changes: readonly FileChange[]): void {
    if (changes.length === 0) return;
    for (const r of resources) {
      const backlog = this.#backlog.get(r.name) ?? [];
      backlog.push(...changes);
      this.#backlog.set(r.name, backlog);
    }
  }

  /** The resource's containers match the current files (nothing to do, or a new image deployed). */
  current(resource: string, deployed: boolean): void {
    this.#backlog.delete(resource);
    if (deployed) {
      this.#ahead.delete(resource);
      this.#resync.delete(resource);
    }
  }

  /** True when files were synced since the image: a pod that replaces one must get them again. */
  isAhead(resource: string): boolean {
    return [...(this.#ahead.get(resource)?.values() ?? [])].some((m) => m.size > 0);
  }

  /** A pod of the resource was replaced (or its container restarted): the next iteration copies the synced files again. */
  requestResync(resource: string): boolean {
    if (!this.isAhead(resource)) return false;
    this.#resync.add(resource);
    return true;
  }

  get resyncPending(): boolean {
    return this.#resync.size > 0;
  }

  /** True when the resource waits for a re-sync into replaced pods. */
  wantsResync(resource: string): boolean {
    return this.#resync.has(resource);
  }

  /**
   * The sync this resource gets instead of a rebuild, or undefined to take the
   * build path (with the reason dispatched when a sync was possible in principle).
   * `eligible`: ready, deployed by devloop, and not forced to rebuild.
   */
  async decide(
    resource: LoopResource,
    plans: ReadonlyMap<string, ImagePlan>,
    state: ResourceState | undefined,
    eligible: boolean,
  ): Promise<SyncWork | undefined> {
    const resync = this.#resync.delete(resource.name);
    if (!this.#planner || !this.#updater || !state || !eligible) return undefined;
    const stale = resource.images.some((image) => plans.get(image)?.tag !== (state.syncedTags?.[image] ?? state.deployedTags[image]));
    if (resync && !stale) {
      // Everything synced since the image, planned again so the run steps those files call for run in the new container too.
      const images: SyncWork['images'][number][] = [];
      for (const [image, files] of this.#ahead.get(resource.name) ?? []) {
        const changes = [...files.values()].map(
          (f): FileChange => ({ path: f.localPath, kind: f.kind === 'delete' ? 'unlink' : 'change' }),
        );
        const decided = await this.#planner.planSync(image, changes);
        if (decided?.kind !== 'sync') return undefined;
        images.push({ image, tag: state.syncedTags?.[image] ?? '', files: decided.files, runs: decided.runs });
      }
      if (images.length > 0) return { images, resync: true };
    }
    const backlog = this.#backlog.get(resource.name) ?? [];
    const images: SyncWork['images'][number][] = [];
    for (const image of resource.images) {
      const plan = plans.get(image);
      const content = state.syncedTags?.[image] ?? state.deployedTags[image];
      if (!plan || plan.tag === content) continue;
      const decided = await this.#planner.planSync(image, backlog);
      if (!decided) return undefined;
      if (this.#off.get(image) === decided.key) return undefined;
      if (decided.kind === 'rebuild' || backlog.length > maxBacklog) {
        const why = decided.kind === 'rebuild' ? decided.why : `${backlog.length} changes since the image`;
        this.#dispatch({ type: 'sync-skipped', at: this.#now(), resource: resource.name, why });
        return undefined;
      }
      this.#off.delete(image);
      // A replaced pod waiting for its re-sync gets the earlier synced files too.
      const earlier = resync ? [...(this.#ahead.get(resource.name)?.get(image)?.values() ?? [])] : [];
      const files = [...earlier.filter((f) => !decided.files.some((d) => d.containerPath === f.containerPath)), ...decided.files];
      images.push({ image, tag: plan.tag, files, runs: decided.runs });
    }
    return images.length > 0 ? { images, resync: false } : undefined;
  }

  /** Copies the work into the resource's pods; false when it failed (the caller rebuilds). */
  async run(resource: string, work: SyncWork, signal: AbortSignal): Promise<boolean> {
    const updater = this.#updater;
    if (!updater) return false;
    const startedAt = this.#now();
    const files = work.images.flatMap((i) => i.files.map((f) => f.containerPath));
    this.#dispatch({ type: 'sync-started', at: startedAt, resource, images: work.images.map((i) => i.image), files });
    const pods = new Set<string>();
    let bytes = 0;
    for (const item of work.images) {
      const result = await updater.sync({ resource, image: item.image, files: item.files, runs: item.runs }, signal);
      if (signal.aborted) return false;
      if (!result.ok) {
        const { problem, lasting } = result.error;
        if (lasting) {
          const key = await this.#planner?.planSync(item.image, []);
          if (key) this.#off.set(item.image, key.key);
        }
        this.#dispatch({ type: 'sync-failed', at: this.#now(), resource, problem, lasting });
        return false;
      }
      for (const pod of result.value.pods) pods.add(pod);
      bytes += result.value.bytes;
    }
    this.#remember(resource, work);
    this.#backlog.delete(resource);
    this.#dispatch({
      type: 'sync-completed',
      at: this.#now(),
      resource,
      tags: Object.fromEntries(work.images.map((i) => [i.image, i.tag])),
      files,
      pods: [...pods],
      bytes,
      durationMs: this.#now() - startedAt,
      resync: work.resync,
    });
    return true;
  }

  #remember(resource: string, work: SyncWork): void {
    if (work.resync) return;
    const byImage = this.#ahead.get(resource) ?? new Map<string, Map<string, SyncFile>>();
    for (const item of work.images) {
      const files = byImage.get(item.image) ?? new Map<string, SyncFile>();
      for (const f of item.files) files.set(f.containerPath, f);
      byImage.set(item.image, files);
    }
    this.#ahead.set(resource, byImage);
  }
}

/** How an iteration's resources were updated, from their timelines: a resource synced and never built nor deployed counts as `sync`. */
export function iterationKind(state: EngineState, resources: readonly string[]): 'sync' | 'build' | 'mixed' {
  const synced = resources.filter((name) => {
    const phases = state.resources[name]?.timeline?.phases.map((p) => p.name) ?? [];
    return phases.includes('sync') && !phases.some((p) => p === 'build' || p === 'deliver' || p === 'apply' || p === 'patch');
  });
  return synced.length === 0 ? 'build' : synced.length === resources.length ? 'sync' : 'mixed';
}
