import type { Diagnostic } from '../core/diagnostic.ts';
import type { Problem } from '../core/problem.ts';
import type { Hold } from './hold.ts';
import type { LoopLocal } from './loop-model.ts';
import type { DeliveredImage, ImagePlan, RolloutProgress } from './ports.ts';
import type { BuildStep } from './state.ts';
import type { Waiting } from './waiting.ts';

/**
 * Everything that happens, as data. Steps come in pairs (`…-started` /
 * `…-completed` or `…-failed`) carrying times, so the UI, the JSON report
 * and the benchmarks read the same facts. `at` is epoch milliseconds.
 */
export type Action =
  | {
      readonly type: 'engine-started';
      readonly at: number;
      readonly resources: readonly { name: string; images: readonly string[]; dependsOn: readonly string[]; trigger: 'auto' | 'manual' }[];
      readonly images: readonly string[];
      /** Local commands, when the config has any. */
      readonly locals?: readonly LocalAnnounced[];
    }
  | { readonly type: 'watch-ready'; readonly at: number; readonly files: number }
  | { readonly type: 'watch-paused'; readonly at: number }
  | { readonly type: 'watch-resumed'; readonly at: number }
  /** The file watcher reported an error (inotify limit, an unreadable directory): edits may go unseen. */
  | { readonly type: 'watch-failed'; readonly at: number; readonly message: string }
  /** `paths` are relative to the project root. */
  | { readonly type: 'changes-detected'; readonly at: number; readonly paths: readonly string[]; readonly firstSeenAt: number }
  | {
      readonly type: 'iteration-started';
      readonly at: number;
      readonly iteration: number;
      readonly resources: readonly string[];
      readonly changeSeenAt: number;
    }
  | { readonly type: 'plan-completed'; readonly at: number; readonly startedAt: number; readonly plans: readonly ImagePlan[] }
  | { readonly type: 'plan-failed'; readonly at: number; readonly problem: Problem }
  | { readonly type: 'build-started'; readonly at: number; readonly image: string }
  | { readonly type: 'build-output'; readonly at: number; readonly image: string; readonly line: string }
  /** The build moved to a step (numbered as the plan numbers them), read once by the build module. */
  | { readonly type: 'build-step'; readonly at: number; readonly image: string; readonly step: BuildStep }
  | {
      readonly type: 'build-completed';
      readonly at: number;
      readonly image: string;
      readonly ref: string;
      readonly cached: boolean;
      readonly durationMs: number;
      readonly builder?: 'BuildKit' | 'classic';
      /** BuildKit's way in: the engine's endpoint or the buildx plugin (see `BuiltImage.via`). */
      readonly via?: 'engine' | 'buildx';
    }
  | { readonly type: 'build-failed'; readonly at: number; readonly image: string; readonly problem: Problem }
  | { readonly type: 'build-cancelled'; readonly at: number; readonly image: string }
  | { readonly type: 'delivery-started'; readonly at: number; readonly images: readonly string[] }
  | { readonly type: 'delivery-completed'; readonly at: number; readonly delivered: readonly DeliveredImage[] }
  | { readonly type: 'delivery-failed'; readonly at: number; readonly images: readonly string[]; readonly problem: Problem }
  | { readonly type: 'deploy-started'; readonly at: number; readonly resource: string; readonly mode: 'apply' | 'patch' }
  | { readonly type: 'deploy-completed'; readonly at: number; readonly resource: string; readonly tags: Readonly<Record<string, string>> }
  | { readonly type: 'rollout-progress'; readonly at: number; readonly resource: string; readonly progress: RolloutProgress }
  | { readonly type: 'resource-waiting'; readonly at: number; readonly resource: string; readonly waiting: Waiting }
  | {
      readonly type: 'resource-ready';
      readonly at: number;
      readonly resource: string;
      readonly progress: RolloutProgress | undefined;
      readonly unchanged: boolean;
    }
  | { readonly type: 'resource-failed'; readonly at: number; readonly resource: string; readonly problem: Problem }
  /** Live update: the resource's changed files are copied into its running containers instead of rebuilding. */
  | {
      readonly type: 'sync-started';
      readonly at: number;
      readonly resource: string;
      readonly images: readonly string[];
      readonly files: readonly string[];
    }
  | {
      readonly type: 'sync-completed';
      readonly at: number;
      readonly resource: string;
      /** Image → the content tag the containers now match (not built: "synced ahead of image"). */
      readonly tags: Readonly<Record<string, string>>;
      /** Container paths written or deleted. */
      readonly files: readonly string[];
      readonly pods: readonly string[];
      readonly bytes: number;
      readonly durationMs: number;
      /** True for a re-sync of everything synced since the image into pods that replaced synced ones. */
      readonly resync: boolean;
    }
  /** The sync failed: the resource is rebuilt from the current files in this iteration. */
  | { readonly type: 'sync-failed'; readonly at: number; readonly resource: string; readonly problem: Problem; readonly lasting: boolean }
  /** A resource with live update rebuilds instead, and why (`requirements.txt is not synced`). */
  | { readonly type: 'sync-skipped'; readonly at: number; readonly resource: string; readonly why: string }
  | {
      readonly type: 'iteration-completed';
      readonly at: number;
      readonly iteration: number;
      readonly ok: boolean;
      /** How its resources were updated: files copied into running containers (`sync`), images built and rolled out (`build`), or both. */
      readonly kind?: 'sync' | 'build' | 'mixed';
    }
  | { readonly type: 'iteration-superseded'; readonly at: number; readonly iteration: number }
  /** The iteration's steps start: the tags it will deploy. */
  | { readonly type: 'work-started'; readonly at: number; readonly iteration: number; readonly tags: Readonly<Record<string, string>> }
  /** The running iteration is being cancelled: its builds are killed and nothing more starts. */
  | { readonly type: 'work-cancelling'; readonly at: number; readonly iteration: number; readonly because: 'newer-changes' | 'stopping' }
  /** A component is down: the iteration's unfinished work waits for it while it is probed. */
  | { readonly type: 'work-held'; readonly at: number; readonly hold: Hold }
  /** The hold ended: the component answered (the held work runs again) or newer changes took over. */
  | {
      readonly type: 'work-resumed';
      readonly at: number;
      readonly hold: Hold;
      readonly because: 'component-answered' | 'newer-changes';
    }
  | { readonly type: 'config-reloaded'; readonly at: number }
  | { readonly type: 'config-invalid'; readonly at: number; readonly diagnostics: readonly Diagnostic[] }
  /** The trigger key for a resource or, by its name, a local command. */
  | { readonly type: 'trigger-requested'; readonly at: number; readonly resource: string }
  /** An iteration takes the local command: it runs once what it depends on is ready. */
  | { readonly type: 'local-queued'; readonly at: number; readonly local: string }
  | { readonly type: 'local-waiting'; readonly at: number; readonly local: string; readonly waiting: Waiting }
  | { readonly type: 'local-started'; readonly at: number; readonly local: string }
  /** A `serve` command started and keeps running. */
  | { readonly type: 'local-serving'; readonly at: number; readonly local: string }
  | { readonly type: 'local-completed'; readonly at: number; readonly local: string; readonly durationMs: number }
  /** It exited with another code than 0, could not start, or (a `serve` command) exited at all; the problem holds its last lines. */
  | {
      readonly type: 'local-failed';
      readonly at: number;
      readonly local: string;
      readonly exitCode: number | undefined;
      readonly durationMs: number;
      readonly problem: Problem;
    }
  /** Killed by devloop (newer changes, stopping) before it ended. */
  | { readonly type: 'local-cancelled'; readonly at: number; readonly local: string }
  | { readonly type: 'engine-stopping'; readonly at: number };

export type ActionType = Action['type'];

/** A local command as `engine-started` announces it: what the model knows of it but how it matches files. */
export type LocalAnnounced = Omit<LoopLocal, 'watches'>;
