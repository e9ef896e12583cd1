import * as path from 'node:path';
import type { Diagnostic } from '../core/diagnostic.ts';
import type { FileSystem } from '../system/file-system.ts';
import type { ResolvedConfig } from './resolved-config.ts';
import type { FileOf } from './schema.ts';

/**
 * What is wrong with the `local` commands beyond their shape: a name a
 * resource already has (both share `dependsOn` and the log panes), an empty
 * command, a `dependsOn` naming nothing, a working directory that does not
 * exist.
 */
export async function checkLocalCommands(config: ResolvedConfig, fileOf: FileOf, fs: FileSystem): Promise<Diagnostic[]> {
  const out: Diagnostic[] = [];
  const error = (keyPath: string, code: string, message: string, hint?: string) =>
    out.push({ severity: 'error', code, message, keyPath, file: fileOf(keyPath), ...(hint ? { hint } : {}) });
  for (const local of Object.values(config.local)) {
    const at = `local.${local.name}`;
    if (config.resources[local.name]) {
      error(at, 'config-name-clash', `"${local.name}" is both a resource and a local command`, 'give the local command another name');
    }
    if (local.command.length === 0) {
      error(`${at}.command`, 'config-invalid-value', 'is empty', "name the program and its arguments, e.g. ['npm', 'run', 'gen']");
    }
    local.dependsOn.forEach((dep, i) => {
      // An unknown name may still be a workload of the manifests, which become resources once rendered: checked then.
      if (dep === local.name) error(`${at}.dependsOn[${i}]`, 'config-dependency-cycle', `"${dep}" depends on itself`);
    });
    const stat = await fs.stat((await fs.realPath(local.cwd)) ?? local.cwd);
    if (stat?.kind !== 'directory') {
      const shown = path.relative(config.rootDir, local.cwd) || '.';
      error(
        `${at}.cwd`,
        'config-missing-directory',
        stat ? `${shown} is not a directory` : `directory ${shown} does not exist`,
        'cwd is relative to the directory of the config file',
      );
    }
  }
  return out;
}
