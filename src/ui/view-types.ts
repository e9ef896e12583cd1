import type { Phase } from '../engine/phase.ts';
import type { LocalStatus } from '../engine/state.ts';
import type { TimelineView } from './timeline-view.ts';

/**
 * The shapes of the screen's rows and detail, apart from the view model that
 * fills them, so the parts that fill some of them (`local-view.ts`) need not
 * import it back.
 */

/** Colour names ink's `<Text color>` understands; the view picks them, components only pass them on. */
export type ColorName = 'green' | 'red' | 'yellow' | 'cyan' | 'blue' | 'magenta' | 'gray' | 'white';

/** One line of the resource list. */
export interface ResourceRow {
  readonly name: string;
  readonly selected: boolean;
  /** A resource's phase, or a local command's status. */
  readonly phase: Phase | LocalStatus;
  readonly glyph: string;
  readonly color: ColorName;
  /** Of the phase text: red when failed, green when ready (a local command: succeeded or serving). */
  readonly phaseColor: ColorName | undefined;
  /** e.g. `building hello 1.2s · step 5/7 COPY site/ /srv/`, `rolling out · 0/1 pods ready`. */
  readonly phaseText: string;
  readonly spinning: boolean;
  /** The spinner frame for `now`, empty when not spinning. */
  readonly spinner: string;
  /** Why it is not moving, e.g. `waiting for db to be ready`. */
  readonly waiting: string | undefined;
  readonly editToReadyMs: number | undefined;
  readonly editToReady: string | undefined;
  /** `hello:3f9a1b2`, several joined by spaces; empty before the first deploy. */
  readonly images: string;
  /** `1/2` once a rollout reported pods. */
  readonly pods: string | undefined;
  /** The problem's `reason`, e.g. `crash-loop`. */
  readonly problem: string | undefined;
  /** Colour of this resource's log prefix. */
  readonly logColor: ColorName;
}

/** The selected resource, in depth. */
export interface DetailView {
  readonly name: string;
  readonly phaseText: string;
  readonly color: ColorName;
  readonly waiting: string | undefined;
  readonly dependsOn: readonly string[];
  readonly problem:
    | {
        readonly reason: string;
        readonly stage: string;
        /** Without the reason in front when it started with it; may be empty. */
        readonly message: string;
        readonly fix: string | undefined;
        /** The last detail lines that fit; earlier ones are counted in `hiddenDetails`. */
        readonly details: readonly string[];
        readonly hiddenDetails: number;
      }
    | undefined;
  /** One line per image: cache decision, build time, delivery. */
  readonly images: readonly string[];
  readonly timeline: TimelineView | undefined;
  /** Lines the detail view takes on screen (the component renders exactly these). */
  readonly height: number;
}
