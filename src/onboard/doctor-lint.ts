import * as path from 'node:path';
import { lintImage } from '../build/lints/lint-image.ts';
import type { Diagnostic } from '../core/diagnostic.ts';
import { createBuildContext, dockerignoreName } from '../graph/build-context.ts';
import { parseDockerfile } from '../graph/dockerfile-model.ts';
import type { FileSystem } from '../system/file-system.ts';
import type { DockerfileLinter } from './doctor-check.ts';

/**
 * Doctor's `DockerfileLinter` over the build module's lints (the same rules
 * as `devloop lint`): warnings and errors become diagnostics, info is dropped.
 */
export function buildModuleLinter(fs: FileSystem, displayPath: (absolute: string) => string = (p) => p): DockerfileLinter {
  return async ({ file, text, contextDir }) => {
    const ignoreFile = path.join(contextDir, dockerignoreName);
    const dockerignore = (await fs.stat(ignoreFile))?.kind === 'file' ? await fs.readText(ignoreFile) : undefined;
    const model = parseDockerfile({ text, file: displayPath(file) });
    const context = createBuildContext({ dir: contextDir, dockerfile: file, dockerignore });
    const findings = await lintImage({ fs, model, target: undefined, context, hasDockerignore: dockerignore !== undefined, displayPath });
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
