import { unreachable } from '../core/unreachable.ts';
import type { Action } from './actions.ts';
import type { Deployer, LiveChange, RolloutProgress } from './ports.ts';
import type { Store } from './store.ts';

/**
 * Keeps watching ready resources for what happens to them outside devloop: a
 * pod deleted or fewer ready pods shows as rollout progress until the
 * Deployment has healed; an image changed by hand fails the resource, left
 * running as it is until the next change or trigger deploys devloop's image
 * again (changes to a failed resource are not followed).
 */
export class LiveWatches {
  readonly #store: Store;
  readonly #deployer: Deployer;
  readonly #now: () => number;
  readonly #stopped: () => boolean;
  readonly #onHealed: ((resource: string) => void) | undefined;
  #handles = new Map<string, { stop(): void }>();

  constructor(options: {
    store: Store;
    deployer: Deployer;
    now: () => number;
    stopped: () => boolean;
    /** Every wanted pod is ready again after one was deleted or not ready, or a container restarted: it starts from the image's files. */
    onHealed?: (resource: string) => void;
  }) {
    this.#onHealed = options.onHealed;
    this.#store = options.store;
    this.#deployer = options.deployer;
    this.#now = options.now;
    this.#stopped = options.stopped;
  }

  stop(resource: string): void {
    this.#handles.get(resource)?.stop();
    this.#handles.delete(resource);
  }

  stopAll(): void {
    for (const name of [...this.#handles.keys()]) this.stop(name);
  }

  /** Starts watching a resource that just became ready (devloop's own image runs again). */
  watch(resource: string, progress: RolloutProgress): void {
    this.stop(resource);
    let last = progress;
    const dispatch = (action: Action) => this.#store.dispatch(action);
    const onChange = (change: LiveChange) => {
      const phase = this.#store.getState().resources[resource]?.phase;
      if (this.#stopped() || phase !== 'ready') return;
      const report = (message: string, counts: { ready: number; wanted: number } = { ready: last.podsReady, wanted: last.podsWanted }) => {
        last = { message, podsReady: counts.ready, podsWanted: counts.wanted };
        dispatch({ type: 'rollout-progress', at: this.#now(), resource, progress: last });
      };
      switch (change.kind) {
        case 'image-changed':
          // The resource fails (its phase says so): the next iteration deploys devloop's image again.
          dispatch({
            type: 'resource-failed',
            at: this.#now(),
            resource,
            problem: {
              stage: 'rollout',
              reason: 'image-changed-outside-devloop',
              message: `container ${change.container} was set to ${change.actual} outside devloop; devloop deployed ${change.expected}`,
              fix: 'devloop leaves it running; save a change or press t to deploy devloop’s image again',
            },
          });
          return;
        case 'pod-deleted':
          report(`pod ${change.pod} was deleted outside devloop; the Deployment replaces it`);
          return;
        case 'replicas':
          if (change.ready < change.wanted) report(`${change.ready} of ${change.wanted} pods ready`, change);
          else {
            dispatch({
              type: 'resource-ready',
              at: this.#now(),
              resource,
              progress: { message: 'ready', podsReady: change.ready, podsWanted: change.wanted },
              unchanged: true,
            });
            this.#onHealed?.(resource);
          }
          return;
        case 'container-restarted':
          this.#onHealed?.(resource);
          return;
        default:
          unreachable(change);
      }
    };
    const handle = this.#deployer.watchLive?.(resource, onChange);
    if (handle) this.#handles.set(resource, handle);
  }
}
