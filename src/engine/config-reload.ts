import type { Diagnostic } from '../core/diagnostic.ts';
import type { SeenFileChange } from '../core/file-change.ts';
import type { Result } from '../core/result.ts';
import type { Store } from './store.ts';

/**
 * Where a batch goes: an edit of the configuration (the team file, the
 * personal overrides, a secret file it names) or of a manifest (read when a
 * session opens) reloads; anything else is a change for the loop.
 */
export function batchKind(
  changes: readonly SeenFileChange[],
  files: { readonly isConfigFile: (path: string) => boolean; readonly isManifest: (path: string) => boolean },
): 'reload' | 'changes' {
  return changes.some((c) => files.isConfigFile(c.path) || files.isManifest(c.path)) ? 'reload' : 'changes';
}

/** What a reload needs: opening the new configuration's session, and swapping it for the running one. */
export interface ConfigReloadOptions<S> {
  readonly store: Store;
  readonly now: () => number;
  /** Loads the configuration again and opens its session (checks, manifests); diagnostics when either fails. */
  readonly open: () => Promise<Result<S, readonly Diagnostic[]>>;
  /** Stops the running session; then `start` runs the new one. */
  readonly stop: () => Promise<void>;
  readonly start: (session: S) => Promise<unknown>;
  readonly notice: (message: string) => void;
  /** True once devloop is stopping: a reload that was loading does nothing. */
  readonly stopping: () => boolean;
}

/**
 * The configuration reload as the engine sees it: the new session opens
 * before the running one stops, so a broken edit — a config that does not
 * load, a manifest that does not parse — only shows its diagnostics while the
 * last good configuration keeps running.
 */
export async function reloadConfig<S>(o: ConfigReloadOptions<S>): Promise<void> {
  const opened = await o.open();
  if (o.stopping()) return;
  if (!opened.ok) {
    o.store.dispatch({ type: 'config-invalid', at: o.now(), diagnostics: opened.error });
    return;
  }
  o.notice('configuration changed: reloading');
  await o.stop();
  o.store.dispatch({ type: 'config-reloaded', at: o.now() });
  await o.start(opened.value);
}
