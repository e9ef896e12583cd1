import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { type E2eProject, e2eProject } from '../support/e2e-project.ts';
import { describeWithCluster } from '../support/environment.ts';
import { devloopBin } from './fault-support.ts';

const pwned = '/tmp/pwned';

/** Secrets are warned about, credentials never printed, and no argument ever reaches a shell. */
describeWithCluster('security', (env) => {
  let project: E2eProject | undefined;
  beforeEach(() => rmSync(pwned, { force: true }));
  afterEach(() => {
    project?.remove();
    expect(existsSync(pwned)).toBe(false);
  });

  const run = (p: E2eProject, args: string[], extraEnv: Record<string, string | undefined> = {}) =>
    execa(process.execPath, [devloopBin, ...args], {
      cwd: p.dir,
      env: { ...p.env, ...extraEnv },
      reject: false,
      timeout: 120_000,
      all: true,
    });
  // biome-ignore lint/suspicious/noExplicitAny: the test edits the JSON config freely
  const config = (p: E2eProject) => JSON.parse(readFileSync(path.join(p.dir, 'devloop.config.json'), 'utf8')) as Record<string, any>;
  const writeConfig = (p: E2eProject, c: unknown) => p.write('devloop.config.json', `${JSON.stringify(c, null, 2)}\n`);

  it('secrets in a build context (.env, id_rsa, .git) are warned about by `ci`, in plain and JSON output', async () => {
    project = e2eProject(env);
    project.write('app/.dockerignore', '*.md\n');
    project.write('app/.env', 'API_KEY=not-for-images\n');
    mkdirSync(path.join(project.dir, 'app/.git'), { recursive: true });
    project.write('app/.git/HEAD', 'ref: refs/heads/main\n');
    project.write('app/id_rsa', 'not a real key\n');
    const plain = await run(project, ['ci', '--output', 'plain', '--timeout', '90s']);
    expect(plain.exitCode).toBe(0);
    for (const file of ['app/.env', 'app/.git', 'app/id_rsa']) expect(plain.all).toContain(`secrets-in-context: ${file}`);
    expect(plain.all).not.toContain('not-for-images');
    const json = await run(project, ['ci', '--output', 'json', '--timeout', '90s']);
    const notices = json.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { event: string; message?: string })
      .filter((e) => e.event === 'notice' && e.message?.includes('secrets-in-context'));
    expect(notices).toHaveLength(3);
  });

  it('registry credentials in the config are refused and never printed', async () => {
    project = e2eProject(env);
    const c = config(project);
    c.cluster.k3d = { registry: 'admin:hunter2secret@localhost:5000' };
    c.cluster.delivery = 'registry';
    writeConfig(project, c);
    for (const output of ['plain', 'json']) {
      const r = await run(project, ['ci', '--output', output, '--timeout', '60s']);
      expect(r.exitCode).toBe(2);
      expect(r.all).toMatch(/cluster\.k3d\.registry/);
      expect(r.all).not.toContain('hunter2secret');
    }
    const doctor = await run(project, ['doctor']);
    expect(doctor.all).not.toContain('hunter2secret');
  });

  it('a kubeconfig token is never printed, whether the server is unreachable or refuses it', async () => {
    project = e2eProject(env);
    const token = 'tok-SUPERSECRET-0123456789';
    const kubeconfig = path.join(project.dir, 'kubeconfig');
    const server = (url: string) => `    server: ${url}\n    insecure-skip-tls-verify: true\n`;
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        '- name: down',
        '  cluster:',
        server('https://127.0.0.1:1').trimEnd(),
        '- name: up',
        '  cluster:',
        server('https://127.0.0.1:6443').trimEnd(),
        'users:',
        '- name: t',
        '  user:',
        `    token: ${token}`,
        'contexts:',
        '- {name: k3d-down, context: {cluster: down, user: t}}',
        '- {name: k3d-devloop-test, context: {cluster: up, user: t}}',
        'current-context: k3d-down',
        '',
      ].join('\n'),
    );
    for (const context of ['k3d-down', 'k3d-devloop-test']) {
      const c = config(project);
      c.cluster.context = context;
      writeConfig(project, c);
      for (const output of ['plain', 'json']) {
        const r = await run(project, ['ci', '--output', output, '--timeout', '20s'], { KUBECONFIG: kubeconfig });
        expect(r.exitCode, r.all).not.toBe(0);
        expect(r.all).not.toContain(token);
      }
    }
    const doctor = await run(project, ['doctor'], { KUBECONFIG: kubeconfig });
    expect(doctor.all).not.toContain(token);
  });

  it('hostile file names in the context are built and deployed as plain files; no shell ever runs them', async () => {
    project = e2eProject(env);
    // Paths whose whole relative name is a shell payload (a '/' makes a directory).
    for (const name of ['$(touch /tmp/pwned)', ';rm -rf x', '`touch /tmp/pwned`', "x' && touch /tmp/pwned '", '$(touch pwned-here)']) {
      const file = path.join(project.dir, 'app/site', name);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, 'harmless\n');
    }
    const r = await run(project, ['ci', '--output', 'plain', '--timeout', '90s']);
    expect(r.exitCode, r.all).toBe(0);
    expect(existsSync(pwned)).toBe(false);
    expect(existsSync(path.join(project.dir, 'app/site/x'))).toBe(false);
    for (const dir of [project.dir, path.join(project.dir, 'app'), path.join(project.dir, 'app/site'), process.cwd()]) {
      expect(existsSync(path.join(dir, 'pwned-here'))).toBe(false);
    }
    // The payload files reached the image as plain files.
    expect(r.all).toMatch(/built hello-web:devloop-|fresh:/);
  });

  it('hostile image names, repositories and namespaces are refused before anything runs', async () => {
    project = e2eProject(env);
    const base = config(project);
    // biome-ignore lint/suspicious/noExplicitAny: the test edits the JSON config freely
    const variants: [string, (c: Record<string, any>) => void][] = [
      [
        'images',
        (c) => {
          c.images = { 'web;touch /tmp/pwned': { context: 'app' } };
          c.resources.hello.containers.web = 'web;touch /tmp/pwned';
        },
      ],
      [
        'images.hello-web.repository',
        (c) => {
          c.images['hello-web'].repository = '$(touch /tmp/pwned)';
        },
      ],
      [
        'cluster.namespace',
        (c) => {
          c.cluster.namespace = '`touch /tmp/pwned`';
        },
      ],
    ];
    for (const [key, mutate] of variants) {
      const c = structuredClone(base);
      mutate(c);
      writeConfig(project, c);
      const r = await run(project, ['ci', '--output', 'plain', '--timeout', '30s']);
      expect(r.exitCode, r.all).toBe(2);
      expect(r.all).toContain(key);
      expect(existsSync(pwned)).toBe(false);
    }
    writeConfig(project, base);
    const r = await run(project, ['ci', '--output', 'plain', '--timeout', '30s', '--namespace', '$(touch /tmp/pwned)']);
    expect(r.exitCode).toBe(2);
  });
});
