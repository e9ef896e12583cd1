import { loadBuildContext } from '../build/build-context-files.ts';
import { lintImage } from '../build/lints/lint-image.ts';
import type { Diagnostic } from '../core/diagnostic.ts';
import { parseDockerfile } from '../graph/dockerfile-model.ts';
import type { FileSystem } from '../system/file-system.ts';
import type { DockerfileLinter } from './doctor-check.ts';

/**
 * Doctor's `DockerfileLinter` over the build module's lints (the same rules
 * as `devloop lint`): warnings and errors become diagnostics, info is dropped.
 */
export function buildModuleLinter(fs: FileSystem, displayPath: (absolute: string) => string = (p) => p): DockerfileLinter {
  return async ({ file, text, contextDir }) => {
    const model = parseDockerfile({ text, file: displayPath(file) });
    const context = await loadBuildContext(fs, { dir: contextDir, dockerfile: file });
    const findings = await lintImage({ fs, model, target: undefined, context, displayPath });
    return findings
      .filter((f) => f.severity !== 'info')
      .map(
        (f): Diagnostic => ({
          severity: f.severity === 'error' ? 'error' : 'warning',
          code: f.rule,
          message: f.message,
          file: f.file,
          ...(f.line ? { line: f.line } : {}),
          hint: f.fix,
        }),
      );
  };
}
