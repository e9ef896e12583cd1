import type { Timers } from './batcher.ts';

/**
 * `Timers` for tests: time moves only when `advance` says, and a timer that
 * falls due runs then. Holds one pending timer, as its users keep at most one.
 */
export function manualTimers() {
  let now = 0;
  let pending: { fn: () => void; due: number } | undefined;
  const timers: Timers = {
    setTimeout: (fn, ms) => {
      pending = { fn, due: now + ms };
      return pending;
    },
    clearTimeout: (h) => {
      if (pending === h) pending = undefined;
    },
    now: () => now,
  };
  return {
    timers,
    /** When the pending timer falls due, if one is set. */
    due: (): number | undefined => pending?.due,
    advance(ms: number) {
      now += ms;
      if (pending && pending.due <= now) {
        const { fn } = pending;
        pending = undefined;
        fn();
      }
    },
  };
}
