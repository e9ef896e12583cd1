import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { captureSink, runDevloop } from '../../../test/support/cli-harness.ts';
import { loadConfig } from '../../config/load-config.ts';
import { FakeRunner } from '../../system/fake-runner.ts';
import { NodeFileSystem } from '../../system/node-file-system.ts';
import type { CliContext } from '../cli-context.ts';
import { runInit } from './init.ts';
import { runLint } from './lint.ts';

const fixtures = path.resolve(import.meta.dirname, '../../../test/fixtures/onboard');
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A copy of a fixture project in a temporary directory named `name`. */
function copyFixture(fixture: string, name = fixture): string {
  const parent = mkdtempSync(path.join(tmpdir(), 'devloop-init-'));
  dirs.push(parent);
  const dir = path.join(parent, name);
  cpSync(path.join(fixtures, fixture), dir, { recursive: true });
  return dir;
}

const read = (dir: string, file: string) => readFileSync(path.join(dir, file), 'utf8');

/** Instructions of a Dockerfile, continuation lines joined, comments dropped. */
function instructions(dockerfile: string): string[] {
  return dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

describe('devloop init on sample projects', () => {
  it('Python: dependency layer first, non-root, exec-form CMD, and a config devloop accepts', async () => {
    const dir = copyFixture('python-fastapi');
    const run = await runDevloop(['init', '--yes'], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('python project (found requirements.txt): python-fastapi, port 8080, base image python:3.12-slim');
    expect(run.stdout).toMatch(/Next steps:[\s\S]*devloop doctor[\s\S]*devloop cluster create[\s\S]*devloop up/);
    const steps = instructions(read(dir, 'Dockerfile'));
    expect(steps[0]).toBe('FROM python:3.12-slim');
    const at = (prefix: string) => steps.findIndex((s) => s.startsWith(prefix));
    expect(at('COPY requirements.txt')).toBeGreaterThan(0);
    expect(at('RUN pip install')).toBeGreaterThan(at('COPY requirements.txt'));
    expect(at('COPY . .')).toBeGreaterThan(at('RUN pip install'));
    expect(at('USER 10001')).toBeGreaterThan(at('COPY . .'));
    expect(steps.at(-1)).toBe('CMD ["fastapi", "run", "app/main.py", "--port", "8080"]');
    expect(JSON.parse(steps.at(-1)?.slice(4) ?? '')).toEqual(['fastapi', 'run', 'app/main.py', '--port', '8080']);

    const config = await runDevloop(['config', '--json'], { cwd: dir });
    expect(config.stderr).toBe('');
    expect(config.code).toBe(0);
    const resolved = JSON.parse(config.stdout);
    expect(resolved.images['python-fastapi'].dockerfile).toBe(path.join(dir, 'Dockerfile'));
    expect(resolved.resources['python-fastapi'].containers).toEqual({ app: 'python-fastapi' });
    expect(resolved.cluster.k3d).toEqual({ name: 'dev', registry: 'k3d-registry.localhost:5000' });
  });

  it('Python with only pyproject.toml installs the declared dependencies before copying the code', async () => {
    const dir = copyFixture('python-pyproject');
    expect((await runDevloop(['init', '--yes'], { cwd: dir })).code).toBe(0);
    const steps = instructions(read(dir, 'Dockerfile'));
    const copyDeps = steps.indexOf('COPY pyproject.toml ./');
    expect(copyDeps).toBeGreaterThan(0);
    expect(steps[copyDeps + 1]).toMatch(/^RUN python -c ".*tomllib.*pip', 'install'/);
    expect(steps.indexOf('COPY . .')).toBeGreaterThan(copyDeps + 1);
    expect(steps.at(-1)).toBe('CMD ["fastapi", "run", "main.py", "--port", "8080"]');
    expect(read(dir, 'devloop.config.ts')).toContain("'orders-service': { context: '.' }");
  });

  it('Node: package*.json then npm ci --omit=dev, then the code', async () => {
    const dir = copyFixture('node-express');
    const run = await runDevloop(['init', '--yes', '--port', '3000', '--base-image', 'node:22.11-slim'], { cwd: dir });
    expect(run.code).toBe(0);
    const steps = instructions(read(dir, 'Dockerfile'));
    expect(steps).toEqual([
      'FROM node:22.11-slim',
      'ENV NODE_ENV=production',
      'WORKDIR /app',
      'COPY package*.json ./',
      'RUN npm ci --omit=dev --no-audit --no-fund',
      'COPY . .',
      'USER 10001:10001',
      'EXPOSE 3000',
      'CMD ["node", "server.js"]',
    ]);
    expect((await runDevloop(['config', '--json'], { cwd: dir })).code).toBe(0);
  });

  it('Go: modules first, a static binary, copied alone into a non-root final stage', async () => {
    const dir = copyFixture('go-hello');
    const run = await runDevloop(['init', '--yes'], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('warning: no go.sum');
    const steps = instructions(read(dir, 'Dockerfile'));
    expect(steps).toEqual([
      'FROM golang:1.23-bookworm AS build',
      'WORKDIR /src',
      'COPY go.* ./',
      'RUN go mod download',
      'COPY . .',
      'RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/app .',
      'FROM gcr.io/distroless/static-debian12:nonroot',
      'COPY --from=build /out/app /app',
      'USER 65532:65532',
      'EXPOSE 8080',
      'ENTRYPOINT ["/app"]',
    ]);
    expect((await runDevloop(['config', '--json'], { cwd: dir })).code).toBe(0);
  });

  it('writes a Deployment and Service with httpGet probes and the devloop image name', async () => {
    const dir = copyFixture('node-express');
    await runDevloop(['init', '--yes', '--health-path', '/ready', '--name', 'shop-web'], { cwd: dir });
    const docs = parseAllDocuments(read(dir, 'k8s/shop-web.yaml')).map((d) => d.toJS());
    const [deployment, service] = docs;
    expect(deployment.kind).toBe('Deployment');
    expect(deployment.metadata.name).toBe('shop-web');
    const container = deployment.spec.template.spec.containers[0];
    expect(container.image).toBe('shop-web');
    expect(container.readinessProbe.httpGet).toEqual({ path: '/ready', port: 'http' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/ready', port: 'http' });
    expect(container.ports).toEqual([{ name: 'http', containerPort: 8080 }]);
    expect(deployment.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
    expect(service).toMatchObject({
      kind: 'Service',
      spec: { selector: deployment.spec.selector.matchLabels, ports: [{ port: 80, targetPort: 'http' }] },
    });
  });

  it('writes a k3d v1alpha5 Simple config with the registry named verbatim', async () => {
    const dir = copyFixture('go-hello');
    await runDevloop(['init', '--yes', '--cluster', 'shop', '--registry', 'k3d-registry.localhost:5111'], { cwd: dir });
    expect(parse(read(dir, 'k3d-cluster.yaml'))).toEqual({
      apiVersion: 'k3d.io/v1alpha5',
      kind: 'Simple',
      metadata: { name: 'shop' },
      servers: 1,
      agents: 0,
      registries: { create: { name: 'k3d-registry.localhost', host: '0.0.0.0', hostPort: '5111' } },
      options: { k3d: { wait: true }, kubeconfig: { updateDefaultKubeconfig: true, switchCurrentContext: true } },
    });
    expect(read(dir, 'devloop.config.ts')).toContain("k3d: { name: 'shop', registry: 'k3d-registry.localhost:5111' }");
  });

  it('keeps a .dockerignore that excludes VCS, secrets and dependency folders', async () => {
    const dir = copyFixture('python-fastapi');
    await runDevloop(['init', '--yes'], { cwd: dir });
    const lines = read(dir, '.dockerignore').split('\n');
    for (const entry of ['.git', '.env', 'node_modules/', '__pycache__/', '*.pem', '*.key', '.venv/']) expect(lines).toContain(entry);
  });

  it('never overwrites without --force', async () => {
    const dir = copyFixture('python-fastapi');
    writeFileSync(path.join(dir, 'Dockerfile'), 'FROM mine:1\n');
    const first = await runDevloop(['init', '--yes'], { cwd: dir });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/kept\s+Dockerfile\s+exists, left as it is/);
    expect(read(dir, 'Dockerfile')).toBe('FROM mine:1\n');
    writeFileSync(path.join(dir, 'devloop.config.ts'), 'export default {};\n');
    const second = await runDevloop(['init', '--yes'], { cwd: dir });
    expect(second.stdout).toMatch(/kept\s+devloop\.config\.ts/);
    expect(second.stdout).toContain('devloop.config.ts was kept');
    expect(read(dir, 'devloop.config.ts')).toBe('export default {};\n');
    const forced = await runDevloop(['init', '--yes', '--force'], { cwd: dir });
    expect(forced.stdout).toMatch(/overwritten\s+Dockerfile/);
    expect(read(dir, 'Dockerfile')).toContain('FROM python:3.12-slim');
  });

  it('refuses bad answers and directories without a project, touching nothing', async () => {
    const dir = copyFixture('node-express');
    const bad = await runDevloop(['init', '--yes', '--name', 'Bad_Name'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('name "Bad_Name" must be a lowercase DNS label');
    expect((await runDevloop(['init', '--yes', '--port', '99999'], { cwd: dir })).stderr).toContain('port "99999" must be a whole number');
    expect((await runDevloop(['init', '--yes', '--kind', 'rust'], { cwd: dir })).code).toBe(2);
    const empty = mkdtempSync(path.join(tmpdir(), 'devloop-init-empty-'));
    dirs.push(empty);
    const none = await runDevloop(['init', '--yes'], { cwd: empty });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no project found');
    expect(() => read(dir, 'Dockerfile')).toThrow();
  });

  it('asks on a terminal, with the detected answers as defaults', async () => {
    const dir = copyFixture('node-express');
    const questions: string[] = [];
    const answers: Record<string, string> = { 'Name of the service': 'storefront', 'Port the service listens on': '' };
    const stdout = captureSink(true);
    const ctx: CliContext = {
      cwd: dir,
      env: {},
      stdout,
      stderr: captureSink(true),
      color: false,
      runner: new FakeRunner(),
      fs: new NodeFileSystem(),
      signal: new AbortController().signal,
    };
    const code = await runInit(
      ctx,
      { port: undefined },
      {
        ask: async (question, fallback) => {
          questions.push(`${question} [${fallback}]`);
          return answers[question] ?? '';
        },
      },
    );
    expect(code).toBe(0);
    expect(questions).toEqual([
      'Name of the service [node-hello]',
      'Port the service listens on [8080]',
      'Base image [node:22-slim]',
      'k3d cluster name [dev]',
    ]);
    expect(stdout.text()).toContain('storefront, port 8080');
    const flagged = copyFixture('node-express', 'flagged');
    const asked: string[] = [];
    await runInit(
      { ...ctx, cwd: flagged },
      { yes: true },
      {
        ask: async (q) => {
          asked.push(q);
          return '';
        },
      },
    );
    expect(asked).toEqual([]);
  });
});

describe('generated Dockerfiles and devloop lint', () => {
  const cases: [string, string[]][] = [
    ['python-fastapi', []],
    ['python-pyproject', []],
    ['node-express', []],
    ['go-hello', []],
    ['python-fastapi', ['--base-image', 'debian:bookworm-slim']],
    ['node-express', ['--base-image', 'devloop-test/node:22-standin']],
    ['go-hello', ['--base-image', 'golang:1.23.4-alpine', '--runtime-image', 'busybox:1.36']],
  ];
  it.each(cases)('%s %j: no findings', async (fixture, flags) => {
    const dir = copyFixture(fixture);
    expect((await runDevloop(['init', '--yes', ...flags], { cwd: dir })).code).toBe(0);
    const stdout = captureSink();
    const stderr = captureSink();
    const fs = new NodeFileSystem();
    const loaded = await loadConfig({ cwd: dir, env: {}, flags: {}, fs });
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.error));
    const ctx: CliContext = {
      cwd: dir,
      env: {},
      stdout,
      stderr,
      color: false,
      runner: new FakeRunner(),
      fs,
      signal: new AbortController().signal,
    };
    const code = await runLint(ctx, { config: loaded.value.config, json: true });
    expect(JSON.parse(stdout.text())).toEqual({ findings: [] });
    expect(stderr.text()).toBe('');
    expect(code).toBe(0);
  });
});
