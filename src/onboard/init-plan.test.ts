import { describe, expect, it } from 'vitest';
import { NodeFileSystem } from '../system/node-file-system.ts';
import { type InitAnswers, planInitFiles, type TemplateReader, templateReader } from './init-plan.ts';
import type { DetectedProject } from './project-detect.ts';
import { templatesDir } from './templates.ts';

const answers: InitAnswers = {
  name: 'shop',
  image: 'shop-web',
  port: 8000,
  healthPath: '/health',
  baseImage: 'python:3.12-slim',
  runtimeImage: 'gcr.io/distroless/static-debian12:nonroot',
  cluster: 'team',
  registry: 'reg.localhost:5001',
};

const python = {
  kind: 'python',
  evidence: 'requirements.txt',
  suggestedName: 'shop',
  dependencies: 'requirements.txt',
  entry: 'app/main.py',
  fastapi: true,
} as const satisfies DetectedProject;

/** Templates that are just the given text, or their own path and the name. */
function templates(texts: Record<string, string> = {}): TemplateReader {
  return async (relativePath) => texts[relativePath] ?? `${relativePath} {{name}}`;
}

/** The planned files as path → content. */
async function plan(project: DetectedProject, readTemplate: TemplateReader, changed: Partial<InitAnswers> = {}) {
  const files = await planInitFiles({ project, answers: { ...answers, ...changed }, readTemplate });
  return Object.fromEntries(files.map((f) => [f.path, f.content]));
}

describe('the files devloop init plans', () => {
  it('are the Dockerfile of the kind, .dockerignore, the manifest named after the service, the k3d config and devloop.config.ts', async () => {
    const files = await planInitFiles({ project: python, answers, readTemplate: templates() });
    expect(files.map((f) => [f.path, f.content])).toEqual([
      ['Dockerfile', 'python/Dockerfile shop'],
      ['.dockerignore', '.dockerignore shop'],
      ['k8s/shop.yaml', 'k8s/app.yaml shop'],
      ['k3d-cluster.yaml', 'k3d-cluster.yaml shop'],
      ['devloop.config.ts', 'devloop.config.ts shop'],
    ]);
    for (const file of files) expect(file.purpose, file.path).not.toBe('');
  });

  it('give the k3d config the registry split into name and port, or the default one when it cannot be split', async () => {
    const readTemplate = templates({ 'k3d-cluster.yaml': '{{cluster}} {{registry}} {{registryName}} {{registryPort}}' });
    expect((await plan(python, readTemplate))['k3d-cluster.yaml']).toBe('team reg.localhost:5001 reg.localhost 5001');
    expect((await plan(python, readTemplate, { registry: 'not a host' }))['k3d-cluster.yaml']).toBe(
      'team not a host k3d-registry.localhost 5000',
    );
  });

  it('install Python dependencies before the code: requirements.txt as it is, pyproject.toml through its declared list', async () => {
    const readTemplate = templates({ 'python/Dockerfile': '{{installDependencies}}\nCMD {{command}}' });
    expect((await plan(python, readTemplate)).Dockerfile).toBe(
      'COPY requirements.txt ./\nRUN pip install --no-cache-dir -r requirements.txt\nCMD ["fastapi", "run", "app/main.py", "--port", "8000"]',
    );
    const pyproject = (await plan({ ...python, dependencies: 'pyproject.toml', fastapi: false, entry: 'main.py' }, readTemplate))
      .Dockerfile;
    expect(pyproject).toMatch(/^COPY pyproject\.toml \.\/\n/);
    expect(pyproject).toMatch(/tomllib\.load\(open\('pyproject\.toml', 'rb'\)\)\.get\('project', \{\}\)\.get\('dependencies', \[\]\)/);
    expect(pyproject).not.toMatch(/COPY \. /);
    expect(pyproject).toMatch(/\nCMD \["python", "main\.py"\]$/);
  });

  it('start Node with its entry file in exec form, and build the Go main package', async () => {
    const node = { kind: 'node', evidence: 'package.json', suggestedName: 'shop', hasLockfile: true, entry: 'src/server.js' } as const;
    const go = { kind: 'go', evidence: 'go.mod', suggestedName: 'shop', mainPackage: './cmd/api' } as const;
    const readTemplate = templates({
      'node/Dockerfile': 'CMD {{command}}',
      'go/Dockerfile': 'go build -o /out/app {{package}}\nFROM {{runtimeImage}}',
    });
    expect((await plan(node, readTemplate)).Dockerfile).toBe('CMD ["node", "src/server.js"]');
    expect((await plan(go, readTemplate)).Dockerfile).toBe(
      'go build -o /out/app ./cmd/api\nFROM gcr.io/distroless/static-debian12:nonroot',
    );
  });

  it('say which template lacks a value instead of writing it half filled', async () => {
    const readTemplate = templates({ 'node/Dockerfile': 'CMD {{command}}\nRUN {{installDependencies}}' });
    const node = { kind: 'node', evidence: 'package.json', suggestedName: 'shop', hasLockfile: false, entry: 'index.js' } as const;
    await expect(plan(node, readTemplate)).rejects.toThrow('templates/node/Dockerfile: no value for {{installDependencies}}');
  });

  it('fill the shipped templates completely for every kind', async () => {
    const readTemplate = templateReader(new NodeFileSystem(), templatesDir());
    const projects: DetectedProject[] = [
      python,
      { ...python, dependencies: 'pyproject.toml', fastapi: false },
      { kind: 'node', evidence: 'package.json', suggestedName: 'shop', hasLockfile: true, entry: 'server.js' },
      { kind: 'go', evidence: 'go.mod', suggestedName: 'shop', mainPackage: '.' },
    ];
    for (const project of projects) {
      for (const [file, content] of Object.entries(await plan(project, readTemplate))) {
        expect(content, `${project.kind} ${file}`).not.toMatch(/\{\{/);
      }
    }
  });
});
