import { afterEach, describe, expect, it } from 'vitest';
import { runDevloop } from '../../../test/support/cli-harness.ts';
import { type TempProject, tempProject } from '../../../test/support/temp-project.ts';

let project: TempProject;
afterEach(() => project?.remove());

describe('devloop plan --changed', () => {
  const files = {
    'app/Dockerfile': 'FROM busybox:1.36\nCOPY httpd.conf /etc/httpd.conf\nCOPY site/ /srv/\n',
    'app/httpd.conf': 'H:/srv\n',
    'app/site/index.html': 'hi\n',
    'devloop.config.json': JSON.stringify({ images: { web: { context: 'app' } } }),
  };

  it('takes several paths after one flag, and the flag repeated', async () => {
    project = tempProject(files);
    const run = await runDevloop(['plan', '--json', '--changed', 'site/index.html', 'httpd.conf', '--changed', 'Dockerfile'], {
      cwd: project.dir,
    });
    expect(run.code).toBe(0);
    const [web] = (JSON.parse(run.stdout) as { images: { changedInputs: string[] }[] }).images;
    expect(web?.changedInputs).toEqual(['Dockerfile', 'httpd.conf', 'site/index.html']);
  });
});
