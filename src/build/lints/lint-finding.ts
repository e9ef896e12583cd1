import type { DockerfileModel } from '../../graph/dockerfile-model.ts';

/** One lint finding: where, why, and what to do instead. */
export interface LintFinding {
  readonly rule: LintRuleId;
  readonly severity: 'warning' | 'error' | 'info';
  readonly file: string;
  /** 1-based; undefined for findings about the context as a whole. */
  readonly line: number | undefined;
  readonly message: string;
  readonly fix: string;
}

/** Every rule id, stable for configs and JSON consumers. */
export const lintRuleIds = [
  'copy-before-install',
  'unpinned-base',
  'shell-form-cmd',
  'root-user',
  'apt-update-alone',
  'add-local-files',
  'missing-dockerignore',
  'secrets-in-context',
  'secret-build-arg',
] as const;
export type LintRuleId = (typeof lintRuleIds)[number];

/** What a Dockerfile rule sees. */
export interface DockerfileLintInput {
  readonly model: DockerfileModel;
  readonly target: string | undefined;
  /** Repositories of devloop images; FROM them is pinned by devloop, not by a tag. */
  readonly devloopRepositories: ReadonlySet<string>;
  /** The devloop image name, when the Dockerfile belongs to one, for fixes that name its config keys. */
  readonly image?: string;
}
