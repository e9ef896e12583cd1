import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type E2eLoop, startE2eLoop } from '../support/e2e-loop.ts';
import { type E2eProject, e2eProject, eventually, fetchText } from '../support/e2e-project.ts';
import { describeWithCluster } from '../support/environment.ts';

const bin = path.resolve(import.meta.dirname, '../../bin/devloop.js');

/** A code generator: writes a page the example image COPYs (`COPY site/ /srv/`) from the schema version. */
const generator = {
  command: [
    'sh',
    '-c',
    'echo "generating from $(cat schema/version)"; printf "generated from %s\\n" "$(cat schema/version)" > app/site/generated.txt',
  ],
  deps: ['schema/version'],
};

/** A command that writes into its own deps, as a formatter does: its own writes must not run it again. */
const upper = { command: ['sh', '-c', 'tr a-z A-Z < schema/version > schema/upper'], deps: ['schema/**'] };

/** The e2e project with local commands, and the resource depending on `gen`. */
function withLocal(project: E2eProject, local: Record<string, unknown>): void {
  const file = path.join(project.dir, 'devloop.config.json');
  const config = JSON.parse(readFileSync(file, 'utf8'));
  config.local = local;
  config.resources.hello.dependsOn = ['gen'];
  writeFileSync(file, JSON.stringify(config, null, 2));
  mkdirSync(path.join(project.dir, 'schema'), { recursive: true });
  project.write('schema/version', 'v1\n');
}

describeWithCluster('local commands', (env) => {
  describe('devloop up with a code generator whose output an image COPYs', () => {
    let project: E2eProject;
    let loop: E2eLoop;

    /** Versions no image holds yet, so each one is built from what the generator wrote. */
    const run = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
    const v1 = `v1-${run}`;
    const v2 = `v2-${run}`;

    beforeAll(async () => {
      project = e2eProject(env);
      withLocal(project, { gen: generator, upper });
      project.write('schema/version', `${v1}\n`);
      loop = await startE2eLoop(project);
    }, 150_000);

    afterAll(async () => {
      await loop?.stop();
      project?.remove();
    });

    const served = (text: string, timeoutMs = 60_000) =>
      eventually(
        `generated.txt serving "${text}"`,
        async () => ((await fetchText(`http://127.0.0.1:${project.port}/generated.txt`))?.includes(text) ? true : undefined),
        timeoutMs,
      );
    const count = (type: string) => loop.actions.filter((a) => a.type === type).length;

    it('runs the generator before the first build, and the pod serves what it generated', async () => {
      await served(`generated from ${v1}`);
      const types = loop.actions.map((a) => a.type);
      expect(types.indexOf('local-completed')).toBeLessThan(types.indexOf('plan-completed'));
      expect(loop.store.getState().locals.gen).toMatchObject({ status: 'succeeded', run: { exitCode: 0 } });
      expect(loop.logs.tail({ resource: 'gen', limit: 5 }).map((l) => l.text)).toEqual([`generating from ${v1}`]);
      expect(loop.events()).toContainEqual(expect.objectContaining({ event: 'log', resource: 'gen', text: `generating from ${v1}` }));
    });

    it('runs it again when a dep changes, rebuilds and deploys the image with the new output once, and does not loop', async () => {
      const builds = count('build-started');
      const deploys = count('deploy-started');
      project.write('schema/version', `${v2}\n`);
      await served(`generated from ${v2}`);
      // The generated file reaches the watcher too: it plans the tag already deployed, so nothing more runs;
      // and what `upper` wrote into its own deps does not run it again.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      await loop.idle();
      const started = loop.actions.flatMap((a) => (a.type === 'local-started' ? [a.local] : []));
      expect(started.sort()).toEqual(['gen', 'gen', 'upper', 'upper']);
      expect(readFileSync(path.join(project.dir, 'schema/upper'), 'utf8')).toBe(`${v2.toUpperCase()}\n`);
      expect(count('build-started')).toBe(builds + 1);
      expect(count('deploy-started')).toBe(deploys + 1);
      expect(loop.store.getState().resources.hello?.phase).toBe('ready');
    });
  });

  describe('devloop ci', () => {
    let project: E2eProject | undefined;
    afterEach(() => project?.remove());

    const ci = (p: E2eProject) =>
      execa(process.execPath, [bin, 'ci', '--timeout', '150s'], { cwd: p.dir, env: p.env, reject: false, timeout: 200_000 });

    it('runs the generator before the build and deploys its output', async () => {
      project = e2eProject(env);
      withLocal(project, { gen: generator });
      // A version no image holds yet: the build must include what this run generated.
      const version = `v-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
      project.write('schema/version', `${version}\n`);
      const run = await ci(project);
      expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
      expect(run.stdout).toContain(`[gen] generating from ${version}`);
      expect(run.stdout).toMatch(/\[gen\] succeeded in [\d.]+m?s[\s\S]*\[hello-web\] build started/);
      const served = project.kubectl(['-n', project.namespace, 'exec', 'deploy/hello', '--', 'cat', '/srv/generated.txt']);
      expect(served).toBe(`generated from ${version}\n`);
    });

    it('fails with the exit code and last lines of a failing command, and deploys nothing that depends on it', async () => {
      project = e2eProject(env);
      withLocal(project, { gen: { command: ['sh', '-c', 'echo reading schema; echo "schema broken at line 3" >&2; exit 7'] } });
      const run = await ci(project);
      expect(run.exitCode).toBe(1);
      expect(run.stdout).toMatch(/\[gen\] local command failed: local-command-failed: sh -c .* exited with code 7\n/);
      expect(run.stdout).toContain('│ schema broken at line 3');
      expect(run.stdout).toContain('[hello] waiting: held: gen is not ready');
      expect(project.kubectl(['-n', project.namespace, 'get', 'deployments', '-o', 'name'])).toBe('');
    });
  });
});
