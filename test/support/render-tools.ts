import { execFileSync } from 'node:child_process';
import { describe, it } from 'vitest';

/** The version line of a tool on PATH, or undefined when it is not there or does not run. */
export function toolVersion(command: string, args: readonly string[]): string | undefined {
  try {
    return execFileSync(command, args, { stdio: 'pipe', timeout: 15_000, encoding: 'utf8' }).trim().split('\n')[0];
  } catch {
    return undefined;
  }
}

/** Why helm and kustomize (which `scripts/test-env up` installs) cannot be used, or undefined when both run. */
export function renderToolsMissing(): string | undefined {
  const missing = [
    toolVersion('helm', ['version', '--short']) ? undefined : 'helm',
    toolVersion('kustomize', ['version']) ? undefined : 'kustomize',
  ].filter(Boolean);
  return missing.length ? `${missing.join(' and ')} not on PATH (scripts/test-env up installs both)` : undefined;
}

/** A suite that needs the real helm and kustomize: fails under CI when they are missing, skips otherwise. */
export function describeWithRenderTools(name: string, body: () => void) {
  const missing = renderToolsMissing();
  if (!missing) return describe(name, body);
  if (process.env.CI) {
    return describe(name, () => {
      it('needs the real helm and kustomize', () => {
        throw new Error(`${missing} (CI is set, so this fails instead of skipping)`);
      });
    });
  }
  return describe.skip(`${name} (skipped: ${missing})`, body);
}
