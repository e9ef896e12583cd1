import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/** A throw-away project directory built from a map of relative path → content. */
export interface TempProject {
  readonly dir: string;
  write(file: string, content: string): void;
  remove(): void;
}

/** Creates a temporary project; call `remove()` in `afterEach`. */
export function tempProject(files: Record<string, string> = {}): TempProject {
  const dir = mkdtempSync(path.join(tmpdir(), 'devloop-test-'));
  const write = (file: string, content: string) => {
    const target = path.join(dir, file);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, content);
  };
  for (const [file, content] of Object.entries(files)) write(file, content);
  return { dir, write, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
