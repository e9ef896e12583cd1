import type { Action } from './actions.ts';
import { reduce } from './reducer.ts';
import { type EngineState, initialState } from './state.ts';

/** Listener of every action after it was applied. */
export type Listener = (action: Action, state: EngineState) => void;

/**
 * One store per engine (never module-global): `dispatch` runs the pure
 * reducer, then tells subscribers. Subscribers must not dispatch
 * synchronously from inside a notification.
 */
export class Store {
  #state: EngineState;
  #listeners = new Set<Listener>();
  #dispatching = false;

  constructor(now: number) {
    this.#state = initialState(now);
  }

  getState = (): EngineState => this.#state;

  dispatch = (action: Action): void => {
    if (this.#dispatching) throw new Error(`dispatch of ${action.type} from inside a listener`);
    this.#state = reduce(this.#state, action);
    this.#dispatching = true;
    try {
      for (const listener of this.#listeners) listener(action, this.#state);
    } finally {
      this.#dispatching = false;
    }
  };

  /** Subscribes; returns the unsubscribe function (the shape `useSyncExternalStore` wants). */
  subscribe = (listener: Listener): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };
}
