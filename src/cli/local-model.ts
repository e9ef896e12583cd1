import * as path from 'node:path';
import type { ResolvedConfig } from '../config/resolved-config.ts';
import type { LoopLocal } from '../engine/loop-model.ts';
import { globToRegExp } from '../watch/watch-filter.ts';

/**
 * A local command's deps as patterns relative to the project: a glob as
 * written; a plain path also stands for everything under it, so `api/schema`
 * works like `api/schema/**`.
 */
export function localDepPatterns(deps: readonly string[]): string[] {
  return deps.flatMap((dep) => (/[*?[{]/.test(dep) ? [dep] : [dep, `${dep.replace(/\/+$/, '')}/**`]));
}

/** Every local command's dep patterns, for the watcher. */
export function allLocalDepPatterns(config: ResolvedConfig): string[] {
  return Object.values(config.local).flatMap((l) => localDepPatterns(l.deps));
}

/** The local commands as the loop sees them: which changed files are their deps. */
export function loopLocals(config: ResolvedConfig): LoopLocal[] {
  return Object.values(config.local).map((l) => {
    const matchers = localDepPatterns(l.deps).map((p) => globToRegExp(path.resolve(config.rootDir, p)));
    return {
      name: l.name,
      command: l.command,
      dependsOn: l.dependsOn,
      trigger: l.trigger,
      serve: l.serve,
      watches: (file: string) => matchers.some((m) => m.test(file)),
    };
  });
}
