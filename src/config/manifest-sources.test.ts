import { afterEach, describe, expect, it } from 'vitest';
import { runDevloop } from '../../test/support/cli-harness.ts';
import { type TempProject, tempProject } from '../../test/support/temp-project.ts';

let project: TempProject;
afterEach(() => project?.remove());

const files = {
  'app/Dockerfile': 'FROM busybox:1.36\n',
  'charts/api/Chart.yaml': 'apiVersion: v2\nname: api\nversion: 0.1.0\n',
  'charts/api/templates/deployment.yaml': 'kind: Deployment\n',
  'values-dev.yaml': 'x: 1\n',
  'k8s/overlays/dev/kustomization.yaml': 'resources: []\n',
};

function withManifests(manifests: string, cluster = "{ namespace: 'shop' }") {
  project = tempProject({
    'devloop.config.ts': `export default { images: { api: { context: 'app' } }, manifests: ${manifests}, cluster: ${cluster} };\n`,
    ...files,
  });
  return project;
}

describe('manifests entries: globs, Helm charts and Kustomize directories', () => {
  it('resolves paths against the config file and fills the release name and namespace', async () => {
    const p = withManifests(
      "['k8s/*.yaml', { helm: { chart: 'charts/api', values: ['values-dev.yaml'], set: { 'image.tag': 'dev', replicas: 2 } } }, { kustomize: 'k8s/overlays/dev' }, { helm: { chart: 'charts/api', releaseName: 'api-2', namespace: 'other' } }]",
    );
    const run = await runDevloop(['config', '--json'], { cwd: p.dir });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).manifests).toEqual([
      'k8s/*.yaml',
      {
        helm: {
          chart: `${p.dir}/charts/api`,
          releaseName: 'api',
          namespace: 'shop',
          values: [`${p.dir}/values-dev.yaml`],
          set: { 'image.tag': 'dev', replicas: 2 },
        },
      },
      { kustomize: `${p.dir}/k8s/overlays/dev` },
      { helm: { chart: `${p.dir}/charts/api`, releaseName: 'api-2', namespace: 'other', values: [], set: {} } },
    ]);
  });

  it('devloop config shows one row per chart setting, from the file that named it', async () => {
    const p = withManifests("['k8s/*.yaml', { helm: { chart: 'charts/api', set: { 'image.tag': 'dev', 'db.password': 'hunter2' } } }]");
    const run = await runDevloop(['config'], { cwd: p.dir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^manifests\[1\]\.helm\.set\["db\.password"\]\s+"\*\*\*"/m);
    expect(run.stdout).not.toContain('hunter2');
    expect(run.stdout).toMatch(/^manifests\[0\]\s+"k8s\/\*\.yaml"\s+devloop\.config\.ts$/m);
    expect(run.stdout).toMatch(/^manifests\[1\]\.helm\.chart\s+".*\/charts\/api"\s+devloop\.config\.ts$/m);
    expect(run.stdout).toMatch(/^manifests\[1\]\.helm\.releaseName\s+"api"/m);
    expect(run.stdout).toMatch(/^manifests\[1\]\.helm\.set\["image\.tag"\]\s+"dev"/m);
  });

  it('names the key path of each mistake in an entry, exit 2', async () => {
    const p = withManifests(
      "[{ helm: { values: 'v.yaml' } }, { helm: { chrt: 'x', chart: 'charts/api', releaseName: 'Bad_Name' } }, { kustomize: 3 }, { helmet: {} }, 7]",
    );
    const run = await runDevloop(['config'], { cwd: p.dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/devloop\.config\.ts: manifests\[0\]\.helm\.values: expected a list, got string "v\.yaml"/);
    expect(run.stderr).toMatch(/manifests\[0\]\.helm\.chart: is required/);
    expect(run.stderr).toMatch(/manifests\[1\]\.helm\.chrt: unknown key "chrt"\n\s+hint: did you mean "chart"\?/);
    expect(run.stderr).toMatch(/manifests\[1\]\.helm\.releaseName: "Bad_Name" is not a valid Helm release name/);
    expect(run.stderr).toMatch(/manifests\[2\]\.kustomize: expected a string, got number/);
    expect(run.stderr).toMatch(
      /manifests\[3\]: expected a file glob, \{ helm: \{ chart: 'dir' \} \} or \{ kustomize: 'dir' \}, got an object/,
    );
    expect(run.stderr).toMatch(/manifests\[4\]: expected a file glob, .* got number/);
  });

  it('refuses a chart, values file or overlay that is not there, naming its key path, before anything runs', async () => {
    const p = withManifests(
      "[{ helm: { chart: 'charts/none', values: ['values-dev.yaml', 'values-prod.yaml'] } }, { helm: { chart: 'k8s' } }, { kustomize: 'k8s' }, { kustomize: 'k8s/overlays/prod' }]",
    );
    const run = await runDevloop(['config'], { cwd: p.dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/devloop\.config\.ts: manifests\[0\]\.helm\.chart: charts\/none does not exist/);
    expect(run.stderr).toMatch(/manifests\[0\]\.helm\.values\[1\]: file values-prod\.yaml does not exist/);
    expect(run.stderr).not.toMatch(/values\[0\]/);
    expect(run.stderr).toMatch(/manifests\[1\]\.helm\.chart: k8s has no Chart\.yaml/);
    expect(run.stderr).toMatch(/manifests\[2\]\.kustomize: k8s has no kustomization\.yaml/);
    expect(run.stderr).toMatch(/manifests\[3\]\.kustomize: directory k8s\/overlays\/prod does not exist/);
  });
});
