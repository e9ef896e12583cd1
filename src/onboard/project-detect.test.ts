import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type TempProject, tempProject } from '../../test/support/temp-project.ts';
import { NodeFileSystem } from '../system/node-file-system.ts';
import { detectProject } from './project-detect.ts';

const fixtures = path.resolve(import.meta.dirname, '../../test/fixtures/onboard');
const fs = new NodeFileSystem();
let project: TempProject | undefined;
afterEach(() => project?.remove());

describe('detectProject', () => {
  it('recognises a requirements.txt FastAPI project and its entry file', async () => {
    const found = await detectProject({ fs, dir: path.join(fixtures, 'python-fastapi') });
    expect(found).toEqual({
      ok: true,
      value: {
        kind: 'python',
        evidence: 'requirements.txt',
        suggestedName: 'python-fastapi',
        dependencies: 'requirements.txt',
        entry: 'app/main.py',
        fastapi: true,
      },
    });
  });

  it('takes the name and dependencies from pyproject.toml when there is no requirements.txt', async () => {
    const found = await detectProject({ fs, dir: path.join(fixtures, 'python-pyproject') });
    expect(found.ok && found.value).toMatchObject({
      kind: 'python',
      dependencies: 'pyproject.toml',
      suggestedName: 'orders-service',
      entry: 'main.py',
    });
  });

  it('reads a Node project: scoped name, lockfile, entry from the start script', async () => {
    const found = await detectProject({ fs, dir: path.join(fixtures, 'node-express') });
    expect(found.ok && found.value).toEqual({
      kind: 'node',
      evidence: 'package.json',
      suggestedName: 'node-hello',
      hasLockfile: true,
      entry: 'server.js',
    });
  });

  it('reads a Go module and finds the main package under cmd/', async () => {
    expect((await detectProject({ fs, dir: path.join(fixtures, 'go-hello') })).ok).toBe(true);
    project = tempProject({
      'go.mod': 'module github.com/acme/billing\n',
      'cmd/billing/main.go': 'package main\n',
      'cmd/tool/main.go': 'package main\n',
    });
    const found = await detectProject({ fs, dir: project.dir });
    expect(found.ok && found.value).toEqual({ kind: 'go', evidence: 'go.mod', suggestedName: 'billing', mainPackage: './cmd/billing' });
  });

  it('prefers Python over Node when both are present, unless told the kind', async () => {
    project = tempProject({ 'requirements.txt': 'flask\n', 'package.json': '{"name":"ui"}', 'app.py': '' });
    expect((await detectProject({ fs, dir: project.dir })).ok && (await detectProject({ fs, dir: project.dir }))).toMatchObject({
      value: { kind: 'python', fastapi: false, entry: 'app.py' },
    });
    const node = await detectProject({ fs, dir: project.dir, kind: 'node' });
    expect(node.ok && node.value.kind).toBe('node');
    expect(await detectProject({ fs, dir: project.dir, kind: 'go' })).toEqual({
      ok: false,
      error: { reason: 'kind-not-present', kind: 'go', found: ['python', 'node'] },
    });
  });

  it('answers no-project for a directory without markers', async () => {
    project = tempProject({ 'README.md': '# hi\n' });
    expect(await detectProject({ fs, dir: project.dir })).toEqual({ ok: false, error: { reason: 'no-project', dir: project.dir } });
  });
});
