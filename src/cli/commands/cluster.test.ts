import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runDevloop } from '../../../test/support/cli-harness.ts';

const fixtures = path.resolve(import.meta.dirname, '../../../test/fixtures/onboard');
const recorderBin = path.join(fixtures, 'bin');
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A temp directory holding `fixture` (or nothing) and the record file of the k3d stand-in. */
function workspace(fixture?: string) {
  const dir = mkdtempSync(path.join(tmpdir(), 'devloop-cluster-'));
  dirs.push(dir);
  const project = path.join(dir, 'project');
  if (fixture) cpSync(path.join(fixtures, fixture), project, { recursive: true });
  else mkdirSync(project);
  const record = path.join(dir, 'k3d.calls');
  const env = { PATH: `${recorderBin}:${process.env.PATH}`, K3D_RECORD: record, HOME: dir };
  const calls = () =>
    existsSync(record)
      ? readFileSync(record, 'utf8')
          .trim()
          .split('\n')
          .map((l) => l.split('\t'))
      : [];
  return { project, env, record, calls };
}

describe('devloop cluster, against a recording k3d stand-in', () => {
  it('create runs k3d with the project k3d config and the names from devloop.config.ts', async () => {
    const w = workspace('node-express');
    expect((await runDevloop(['init', '--yes', '--cluster', 'shop'], { cwd: w.project })).code).toBe(0);
    const run = await runDevloop(['cluster', 'create', '--no-verify'], { cwd: w.project, env: w.env });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(w.calls()).toEqual([
      ['version'],
      ['cluster', 'list', '-o', 'json'],
      ['registry', 'list', '-o', 'json'],
      ['cluster', 'create', '--config', 'k3d-cluster.yaml', '--', 'shop'],
    ]);
    expect(run.stdout).toContain('$ k3d cluster create --config k3d-cluster.yaml -- shop');
    expect(run.stdout).toContain('✓ cluster shop created; kube context k3d-shop');
  });

  it('without a k3d config file, renders the template with the configured names and cleans it up', async () => {
    const w = workspace('python-fastapi');
    await runDevloop(['init', '--yes', '--cluster', 'team', '--registry', 'k3d-registry.localhost:5123'], { cwd: w.project });
    rmSync(path.join(w.project, 'k3d-cluster.yaml'));
    const run = await runDevloop(['cluster', 'create', '--no-verify'], { cwd: w.project, env: w.env });
    expect(run.code).toBe(0);
    const create = w.calls().at(-1) ?? [];
    expect(create.slice(0, 3)).toEqual(['cluster', 'create', '--config']);
    expect(create.slice(4)).toEqual(['--', 'team']);
    const rendered = create[3] ?? '';
    expect(path.isAbsolute(rendered)).toBe(true);
    expect(existsSync(rendered)).toBe(false);
    expect(parse(readFileSync(`${w.record}.k3d-config.yaml`, 'utf8'))).toMatchObject({
      apiVersion: 'k3d.io/v1alpha5',
      kind: 'Simple',
      metadata: { name: 'team' },
      servers: 1,
      agents: 0,
      registries: { create: { name: 'k3d-registry.localhost', hostPort: '5123' } },
      options: { k3d: { wait: true }, kubeconfig: { switchCurrentContext: true } },
    });
  });

  it('without devloop.config.ts uses the defaults: cluster dev, registry k3d-registry.localhost:5000', async () => {
    const w = workspace();
    const run = await runDevloop(['cluster', 'create', '--no-verify'], { cwd: w.project, env: w.env });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('no devloop.config.ts: using the defaults');
    expect(w.calls().at(-1)?.slice(-2)).toEqual(['--', 'dev']);
    expect(parse(readFileSync(`${w.record}.k3d-config.yaml`, 'utf8')).registries.create).toEqual({
      name: 'k3d-registry.localhost',
      host: '0.0.0.0',
      hostPort: '5000',
    });
  });

  it('delete removes the cluster; status says it does not exist', async () => {
    const w = workspace('go-hello');
    await runDevloop(['init', '--yes'], { cwd: w.project });
    const deleted = await runDevloop(['cluster', 'delete'], { cwd: w.project, env: w.env });
    expect(deleted.code).toBe(0);
    expect(w.calls()).toEqual([
      ['cluster', 'delete', '--', 'dev'],
      ['registry', 'list', '-o', 'json'],
    ]);
    const status = await runDevloop(['cluster', 'status'], { cwd: w.project, env: w.env });
    expect(status.code).toBe(1);
    expect(status.stdout).toContain('✗ cluster dev does not exist');
    expect(status.stdout).toContain('fix: devloop cluster create');
  });

  it('says how to install k3d when it is missing', async () => {
    const w = workspace('go-hello');
    const run = await runDevloop(['cluster', 'create'], { cwd: w.project, env: { ...w.env, PATH: '/nonexistent' } });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('k3d is not installed');
    expect(run.stderr).toContain('https://k3d.io/#installation');
  });

  it('rejects an unknown action', async () => {
    const w = workspace('go-hello');
    const run = await runDevloop(['cluster', 'frob'], { cwd: w.project, env: w.env });
    expect(run.code).toBe(2);
    expect(w.calls()).toEqual([]);
  });
});
