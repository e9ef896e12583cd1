import { afterEach, describe, expect, it } from 'vitest';
import { runDevloop } from '../../../test/support/cli-harness.ts';
import { type TempProject, tempProject } from '../../../test/support/temp-project.ts';

const dockerfile = 'FROM busybox:1.36\nCOPY . /app\n';
let project: TempProject;
afterEach(() => project?.remove());

function withConfig(config: string, extra: Record<string, string> = {}) {
  project = tempProject({ 'devloop.config.ts': config, 'api/Dockerfile': dockerfile, 'worker/Dockerfile': dockerfile, ...extra });
  return project;
}

const valid = `export default {
  images: { api: { context: 'api' }, worker: { context: 'worker', dependsOn: ['api'] } },
  manifests: ['k8s/*.yaml'],
  resources: { api: { containers: { main: 'api' }, portForwards: ['8080:80'] } },
  cluster: { k3d: { name: 'team' }, namespace: 'shop' },
};
`;

describe('devloop config', () => {
  it('prints the resolved configuration as JSON', async () => {
    const p = withConfig(valid);
    const run = await runDevloop(['config', '--json'], { cwd: p.dir });
    expect(run.code).toBe(0);
    const config = JSON.parse(run.stdout);
    expect(config.images.api.context).toBe(`${p.dir}/api`);
    expect(config.images.api.dockerfile).toBe(`${p.dir}/api/Dockerfile`);
    expect(config.cluster).toEqual({
      context: 'k3d-team',
      namespace: 'shop',
      k3d: { name: 'team', registry: null },
      delivery: 'auto',
      allowContexts: [],
    });
    expect(config.resources.api.portForwards).toEqual([{ local: 8080, remote: 80, container: null }]);
  });

  it('finds the nearest config from a subdirectory', async () => {
    const p = withConfig(valid);
    const run = await runDevloop(['config', '--json'], { cwd: `${p.dir}/api` });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).configFile).toBe(`${p.dir}/devloop.config.ts`);
  });

  it('says where each value came from in the readable form', async () => {
    const p = withConfig(valid);
    const run = await runDevloop(['config'], { cwd: p.dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/cluster\.namespace\s+"shop"\s+devloop\.config\.ts/);
    expect(run.stdout).toMatch(/cluster\.delivery\s+"auto"\s+default/);
  });

  it('applies personal overrides, then DEVLOOP_* variables, then flags', async () => {
    const p = withConfig(valid, {
      'devloop.local.config.ts': `export default { cluster: { namespace: 'mine', delivery: 'import' }, watch: { debounceMs: 20 } };\n`,
    });
    const base = await runDevloop(['config', '--json'], { cwd: p.dir });
    const local = JSON.parse(base.stdout);
    expect(local.cluster.namespace).toBe('mine');
    expect(local.cluster.delivery).toBe('import');
    expect(local.cluster.k3d.name).toBe('team');
    expect(local.localFile).toBe(`${p.dir}/devloop.local.config.ts`);

    const env = { DEVLOOP_NAMESPACE: 'from-env', DEVLOOP_CONTEXT: 'k3d-env' };
    const fromEnv = JSON.parse((await runDevloop(['config', '--json'], { cwd: p.dir, env })).stdout);
    expect(fromEnv.cluster.namespace).toBe('from-env');
    expect(fromEnv.cluster.context).toBe('k3d-env');

    const flags = await runDevloop(['--namespace', 'from-flag', '--context', 'k3d-flag', 'config'], { cwd: p.dir, env });
    const fromFlags = JSON.parse(
      (await runDevloop(['config', '--json', '-n', 'from-flag', '--context', 'k3d-flag'], { cwd: p.dir, env })).stdout,
    );
    expect(fromFlags.cluster.namespace).toBe('from-flag');
    expect(fromFlags.cluster.context).toBe('k3d-flag');
    expect(flags.stdout).toMatch(/cluster\.namespace\s+"from-flag"\s+--namespace/);
    expect(flags.stdout).toMatch(/cluster\.delivery\s+"import"\s+devloop\.local\.config\.ts/);
  });

  it('loads JSON, YAML and package.json configs', async () => {
    project = tempProject({ 'api/Dockerfile': dockerfile, 'devloop.config.yaml': 'images:\n  api:\n    context: api\n' });
    expect(JSON.parse((await runDevloop(['config', '--json'], { cwd: project.dir })).stdout).images.api.repository).toBe('api');
    project.remove();
    project = tempProject({
      'api/Dockerfile': dockerfile,
      'package.json': JSON.stringify({ name: 'x', devloop: { images: { api: { context: 'api' } } } }),
    });
    expect(JSON.parse((await runDevloop(['config', '--json'], { cwd: project.dir })).stdout).images.api.context).toBe(`${project.dir}/api`);
  });

  it('takes an explicit --config path', async () => {
    // The context lies beside the config file's folder, outside the project root, so the config must allow it.
    project = tempProject({
      'api/Dockerfile': dockerfile,
      'conf/team.json': '{"images":{"api":{"context":"../api","allowOutsideProject":true}}}',
    });
    const run = await runDevloop(['config', '--json', '--config', 'conf/team.json'], { cwd: project.dir });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).images.api.context).toBe(`${project.dir}/api`);
  });
});

describe('configuration mistakes', () => {
  const expectDiagnostic = async (config: string, pattern: RegExp, extra: Record<string, string> = {}) => {
    const p = withConfig(config, extra);
    const run = await runDevloop(['config'], { cwd: p.dir });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    const errors = run.stderr.split('\n').filter((l) => l.startsWith('error:'));
    expect(errors).toHaveLength(1);
    expect(run.stderr).toMatch(pattern);
    expect(run.stderr).not.toMatch(/\n\s+at .*\(/);
    return run.stderr;
  };

  it('a syntax error names the file and line', async () => {
    await expectDiagnostic(
      "export default {\n  images: {\n    api: { context: 'api' }}\n  },\n};\n",
      /error: devloop\.config\.ts:\d+: cannot be loaded/,
    );
    const stderr = await expectDiagnostic(
      "export default {\n  images: {\n    api: { context: 'api' } )\n  },\n};\n",
      /devloop\.config\.ts:3: cannot be loaded/,
    );
    expect(stderr).toContain('devloop.config.ts:3');
  });

  it('a wrong type names the key path and both types', async () => {
    await expectDiagnostic(
      'export default { images: { api: { context: 42 } } };\n',
      /error: devloop\.config\.ts: images\.api\.context: expected a string, got number/,
    );
  });

  it('an unknown key suggests the right one', async () => {
    const stderr = await expectDiagnostic(
      "export default { images: { api: { context: 'api', dockerFile: 'Dockerfile' } } };\n",
      /images\.api\.dockerFile: unknown key "dockerFile"/,
    );
    expect(stderr).toContain('did you mean "dockerfile"?');
  });

  it('an unknown image reference suggests a known image', async () => {
    const stderr = await expectDiagnostic(
      "export default { images: { api: { context: 'api' } }, resources: { api: { containers: { main: 'apo' } } } };\n",
      /resources\.api\.containers\.main: unknown image "apo"/,
    );
    expect(stderr).toContain('did you mean "api"?');
  });

  it('a dependency cycle shows the cycle', async () => {
    await expectDiagnostic(
      "export default { images: { api: { context: 'api', dependsOn: ['worker'] }, worker: { context: 'worker', dependsOn: ['api'] } } };\n",
      /images depend on each other in a cycle: api → worker → api/,
    );
  });

  it('a local command waiting for an unknown name is named, with the closest one', async () => {
    const stderr = await expectDiagnostic(
      "export default { resources: { api: {} }, local: { gen: { command: ['npm', 'run', 'gen'], dependsOn: ['apo'] } } };\n",
      /error: devloop\.config\.ts: local\.gen\.dependsOn\[0\]: unknown resource or local command "apo"/,
    );
    expect(stderr).toContain('did you mean "api"?');
  });

  it('a missing context directory is named', async () => {
    await expectDiagnostic(
      "export default { images: { web: { context: 'web' } } };\n",
      /images\.web\.context: directory web does not exist/,
    );
  });

  it('a mistake in the personal file names that file', async () => {
    await expectDiagnostic(
      valid,
      /devloop\.local\.config\.json: cluster\.delivery: expected one of "auto", "registry", "import", got "regsitry"/,
      {
        'devloop.local.config.json': '{"cluster":{"delivery":"regsitry"}}',
      },
    );
  });

  it('an invalid image name is refused', async () => {
    await expectDiagnostic("export default { images: { API: { context: 'api' } } };\n", /images\.API: "API" is not a valid name/);
  });

  it('no config at all says how to make one', async () => {
    project = tempProject({ 'package.json': '{"name":"empty"}' });
    const run = await runDevloop(['config'], { cwd: project.dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('devloop init');
  });
});

describe('the command line', () => {
  it('an unknown command or option is a usage error', async () => {
    project = tempProject();
    expect((await runDevloop(['frobnicate'], { cwd: project.dir })).code).toBe(2);
    expect((await runDevloop(['config', '--jsn'], { cwd: project.dir })).code).toBe(2);
  });

  it('--help and --version exit 0', async () => {
    project = tempProject();
    const help = await runDevloop(['--help'], { cwd: project.dir });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('config');
    const configHelp = await runDevloop(['config', '--help'], { cwd: project.dir });
    expect(configHelp.code).toBe(0);
    expect(configHelp.stdout).toContain('--json');
    const version = await runDevloop(['--version'], { cwd: project.dir });
    expect(version.stdout.trim()).toBe('0.0.0-test');
  });
});
