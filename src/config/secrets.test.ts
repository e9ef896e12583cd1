import { afterEach, describe, expect, it } from 'vitest';
import { runDevloop } from '../../test/support/cli-harness.ts';
import { type TempProject, tempProject } from '../../test/support/temp-project.ts';

let project: TempProject;
afterEach(() => project?.remove());

function withImage(image: string) {
  project = tempProject({
    'devloop.config.ts': `export default { images: { api: { context: 'api', ${image} } } };\n`,
    'api/Dockerfile': 'FROM busybox:1.36\n',
  });
  return project;
}

describe('devloop config and secrets', () => {
  it('masks build args whose name or value looks secret, in both forms, and shows secrets by source only', async () => {
    const p = withImage(
      `buildArgs: { NPM_TOKEN: 'hunter2-npm', MIRROR: 'https://bob:pw-in-url@mirror.test/', VERSION: '1.2.3' }, secrets: { npmrc: { file: '.npmrc' }, tok: { env: 'GH_TOKEN' } }`,
    );
    const json = await runDevloop(['config', '--json'], { cwd: p.dir });
    expect(json.code).toBe(0);
    const config = JSON.parse(json.stdout);
    expect(config.images.api.buildArgs).toEqual({ NPM_TOKEN: '***', MIRROR: 'https://***@mirror.test/', VERSION: '1.2.3' });
    expect(config.images.api.secrets).toEqual({ npmrc: { file: `${p.dir}/.npmrc` }, tok: { env: 'GH_TOKEN' } });
    const text = await runDevloop(['config'], { cwd: p.dir });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/images\.api\.buildArgs\.NPM_TOKEN\s+"\*\*\*"/);
    expect(text.stdout).toMatch(/images\.api\.buildArgs\.VERSION\s+"1\.2\.3"/);
    expect(text.stdout).toMatch(/images\.api\.secrets\.tok\.env\s+"GH_TOKEN"/);
    for (const out of [json.stdout, text.stdout]) {
      expect(out).not.toContain('hunter2-npm');
      expect(out).not.toContain('pw-in-url');
    }
  });

  it('refuses a secret that names neither a variable nor a file, naming the key path', async () => {
    const p = withImage(`secrets: { tok: { env: 'GH_TOKEN', file: 'x' }, 'bad id': { env: 'X' }, v: { env: 'not a name' } }`);
    const run = await runDevloop(['config'], { cwd: p.dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /devloop\.config\.ts: images\.api\.secrets\.tok: expected \{ env: 'VARIABLE' \} or \{ file: 'path' \}, got an object/,
    );
    expect(run.stderr).toMatch(/images\.api\.secrets\["bad id"\]: "bad id" is not a valid name/);
    // the option whose key it uses names the exact key
    expect(run.stderr).toMatch(/images\.api\.secrets\.v\.env: "not a name" is not an environment variable name/);
  });
});
