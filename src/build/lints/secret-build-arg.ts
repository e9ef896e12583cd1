import { isSecretEntry, isSecretKey } from '../../core/redact.ts';
import type { DockerfileLintInput, LintFinding } from './lint-finding.ts';

const why = 'build args are kept in the image (docker history shows their values) and travel to every build of it';

function fix(image: string | undefined, name: string): string {
  const id = name.toLowerCase();
  return `pass it as a BuildKit secret: images.${image ?? '<image>'}.secrets.${id}: { env: '${name}' } in the devloop config, and read it only where needed: RUN --mount=type=secret,id=${id} … (the file /run/secrets/${id})`;
}

/** `ARG NPM_TOKEN`: a Dockerfile build arg whose name (or default value) looks secret. */
export function secretArgs({ model, image }: DockerfileLintInput): LintFinding[] {
  const out: LintFinding[] = [];
  for (const instruction of model.instructions) {
    if (instruction.keyword !== 'ARG') continue;
    for (const word of instruction.args.flatMap((a) => a.split(/\s+/)).filter(Boolean)) {
      const eq = word.indexOf('=');
      const name = eq === -1 ? word : word.slice(0, eq);
      const fallback = eq === -1 ? '' : word.slice(eq + 1);
      if (!isSecretEntry(name, fallback)) continue;
      out.push({
        rule: 'secret-build-arg',
        severity: 'warning',
        file: model.file,
        line: instruction.line,
        message: `ARG ${name} looks like a secret: ${why}`,
        fix: fix(image, name),
      });
    }
  }
  return out;
}

/** What `secretBuildArgsInConfig` looks at. */
export interface ConfigBuildArgsInput {
  readonly image: string;
  readonly buildArgs: Readonly<Record<string, string>>;
  /** The config files the build args may come from, with their text, highest precedence first. */
  readonly files: readonly { readonly display: string; readonly text: string }[];
}

/**
 * `images.<name>.buildArgs` entries whose name or value looks secret, pointed
 * at the config line that sets them (the first line naming the key; the file
 * alone when it cannot be found, e.g. a computed key).
 */
export function secretBuildArgsInConfig({ image, buildArgs, files }: ConfigBuildArgsInput): LintFinding[] {
  return Object.entries(buildArgs)
    .filter(([name, value]) => isSecretKey(name) || isSecretEntry(name, value))
    .map(([name]) => {
      const pattern = new RegExp(`(^|[\\s{,"'])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']?\\s*:`);
      const found = files
        .map((f) => ({ file: f.display, line: f.text.split('\n').findIndex((l) => pattern.test(l)) + 1 }))
        .find((f) => f.line > 0);
      return {
        rule: 'secret-build-arg' as const,
        severity: 'warning' as const,
        file: found?.file ?? files[files.length - 1]?.display ?? 'devloop config',
        line: found?.line,
        message: `build arg ${name} (images.${image}.buildArgs.${name}) looks like a secret: ${why}`,
        fix: fix(image, name),
      };
    });
}
