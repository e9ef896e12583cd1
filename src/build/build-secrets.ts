import { createHash } from 'node:crypto';
import type { ResolvedImage } from '../config/resolved-config.ts';
import type { Diagnostic } from '../core/diagnostic.ts';
import { err, ok, type Result } from '../core/result.ts';
import type { FileSystem } from '../system/file-system.ts';

/** What `hashSecrets` reads from. */
export interface SecretSources {
  readonly fs: FileSystem;
  /** The environment `{ env }` secrets are read from (docker inherits the same one). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * The sha256 of each BuildKit secret's content, by id: how a secret counts in
 * the image's content digest without its value being kept anywhere. A
 * variable that is not set or a file that cannot be read is an error naming
 * the config key path, found before any build starts.
 */
export async function hashSecrets(image: ResolvedImage, sources: SecretSources): Promise<Result<Record<string, string>, Diagnostic[]>> {
  const hashes: Record<string, string> = {};
  const problems: Diagnostic[] = [];
  const fail = (keyPath: string, message: string, hint: string) =>
    problems.push({ severity: 'error', code: 'build-secret-missing', message: `${keyPath}: ${message}`, hint });
  for (const [id, secret] of Object.entries(image.secrets).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const keyPath = `images.${image.name}.secrets.${id}`;
    if ('env' in secret) {
      const value = sources.env[secret.env];
      if (value === undefined) {
        fail(`${keyPath}.env`, `environment variable ${secret.env} is not set`, `set ${secret.env} before running devloop`);
        continue;
      }
      hashes[id] = sha256(value);
      continue;
    }
    const stat = await sources.fs.stat(secret.file);
    const content = stat && stat.kind !== 'directory' ? await sources.fs.readBytes(secret.file).catch(() => undefined) : undefined;
    if (content === undefined) {
      fail(
        `${keyPath}.file`,
        `${secret.file} ${stat?.kind === 'directory' ? 'is a directory' : stat ? 'cannot be read' : 'does not exist'}`,
        'the file is relative to the config file; create it or point file at it',
      );
      continue;
    }
    hashes[id] = sha256(content);
  }
  return problems.length > 0 ? err(problems) : ok(hashes);
}

function sha256(content: string | Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}
