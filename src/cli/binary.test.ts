import * as path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { type TempProject, tempProject } from '../../test/support/temp-project.ts';

const bin = path.resolve(import.meta.dirname, '../../bin/devloop.js');
let project: TempProject;
afterEach(() => project?.remove());

/** The built CLI as users run it: Node's own TypeScript loading, real exit codes, no stack traces. */
describe('the devloop binary', () => {
  const devloop = (args: string[]) => execa(process.execPath, [bin, ...args], { cwd: project.dir, reject: false, env: { NO_COLOR: '1' } });

  it('names the file and line of a syntax error in devloop.config.ts, exit 2', async () => {
    project = tempProject({ 'devloop.config.ts': "export default {\n  images: {\n    api: { context: 'api' } )\n  },\n};\n" });
    const run = await devloop(['config']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/^error: devloop\.config\.ts:3: cannot be loaded/m);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('loads a TypeScript config that imports types and uses satisfies', async () => {
    project = tempProject({
      'api/Dockerfile': 'FROM busybox:1.36\n',
      'devloop.config.ts':
        "type Config = { images: Record<string, { context: string }> };\nexport default { images: { api: { context: 'api' } } } satisfies Config;\n",
    });
    const run = await devloop(['config', '--json']);
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout).images.api.context).toBe(`${project.dir}/api`);
  });

  it('prints its version and exits 0; an unknown command exits 2', async () => {
    project = tempProject();
    expect((await devloop(['--version'])).stdout).toMatch(/^\d+\.\d+\.\d+$/);
    expect((await devloop(['nope'])).exitCode).toBe(2);
  });
});
