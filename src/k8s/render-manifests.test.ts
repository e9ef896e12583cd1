import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HelmChartSource } from '../core/manifest-source.ts';
import { FakeRunner } from '../system/fake-runner.ts';
import { NodeFileSystem } from '../system/node-file-system.ts';
import { injectImages, parseManifests } from './manifests.ts';
import { helmTemplateArgs, loadManifestSources, manifestWatchPatterns } from './render-manifests.ts';

const fixtures = path.resolve(import.meta.dirname, '../../test/fixtures/render');
const fs = new NodeFileSystem();

/** What `helm template hello chart` prints for the fixture chart (the base's YAML with helm's comments). */
const rendered = ['base/deployment.yaml', 'base/service.yaml']
  .map((f) => `---\n# Source: hello/templates/${path.basename(f)}\n${readFileSync(path.join(fixtures, 'kustomize', f), 'utf8')}`)
  .join('');

const helm = (over: Partial<HelmChartSource> = {}): HelmChartSource => ({
  chart: '/p/chart',
  releaseName: 'hello',
  namespace: 'dev',
  values: [],
  set: {},
  ...over,
});

describe('helmTemplateArgs', () => {
  it('passes release, chart, namespace, values files in order, strings as --set-string and the rest as --set', () => {
    expect(
      helmTemplateArgs(helm({ values: ['/p/a.yaml', '/p/b.yaml'], set: { 'image.tag': 'v1,2', replicas: 2, debug: true, path: 'C:\\x' } })),
    ).toEqual([
      'template',
      'hello',
      '/p/chart',
      '--namespace',
      'dev',
      '--include-crds',
      '--skip-tests',
      '--values',
      '/p/a.yaml',
      '--values',
      '/p/b.yaml',
      '--set-string',
      'image.tag=v1\\,2',
      '--set',
      'replicas=2',
      '--set',
      'debug=true',
      '--set-string',
      'path=C:\\\\x',
    ]);
  });
});

describe('loadManifestSources', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'devloop-render-'));
    cpSync(fixtures, root, { recursive: true });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('renders a chart through the runner (no shell) and parses it into the objects plain YAML gives, in the release namespace', async () => {
    const runner = new FakeRunner().on('helm', { stdout: rendered });
    const source = { helm: helm({ chart: path.join(root, 'chart'), namespace: 'team-a' }) };
    const loaded = await loadManifestSources(fs, runner, { rootDir: root, sources: [source] });
    expect(loaded.diagnostics).toEqual([]);
    expect(runner.calls).toHaveLength(1);
    expect(runner.calls[0]).toMatchObject({ command: 'helm', args: helmTemplateArgs(source.helm), options: { cwd: root } });
    expect(loaded.objects.map((o) => `${o.object.kind}/${o.object.metadata.name}@${o.object.metadata.namespace}`)).toEqual([
      'Deployment/hello@team-a',
      'Service/hello@team-a',
    ]);

    // images are injected into rendered objects exactly as into the same YAML read from a file
    const plain = parseManifests(rendered, 'k8s/hello.yaml').objects.map((o) => ({
      ...o.object,
      metadata: { ...o.object.metadata, namespace: 'team-a' },
    }));
    const images = [{ name: 'hello-web', repository: 'hello-web', ref: 'k3d-registry.localhost:5000/hello-web:devloop-1' }];
    const fromChart = injectImages(
      loaded.objects.map((o) => o.object),
      { images },
    );
    expect(fromChart.injected).toEqual([
      { kind: 'Deployment', name: 'hello', container: 'web', init: false, image: 'k3d-registry.localhost:5000/hello-web:devloop-1' },
    ]);
    expect(fromChart).toEqual(injectImages(plain, { images }));
  });

  it('keeps glob entries first with their key paths counted among all entries', async () => {
    const runner = new FakeRunner().on('kustomize', { stdout: rendered });
    const loaded = await loadManifestSources(fs, runner, {
      rootDir: root,
      sources: [{ kustomize: path.join(root, 'kustomize/overlays/dev') }, 'kustomize', 'kustomize/base/*[et].yaml'],
    });
    expect(loaded.diagnostics).toMatchObject([{ code: 'manifest-unreadable', keyPath: 'manifests[1]' }]);
    expect(loaded.files).toEqual(['kustomize/base/deployment.yaml', 'kustomize/base/service.yaml']);
    expect(loaded.objects.map((o) => o.object.kind)).toEqual(['Deployment', 'Service', 'Deployment', 'Service']);
  });

  it("a failed render is one diagnostic: the entry's key path and the tool's own error", async () => {
    const stderr =
      'walk.go:75: found symbolic link in path\nError: parse error at (hello/templates/deployment.yaml:9): function "nosuchfunc" not defined\n';
    const runner = new FakeRunner().on('helm', { exitCode: 1, stderr });
    const loaded = await loadManifestSources(fs, runner, {
      rootDir: root,
      sources: ['kustomize/base/*[et].yaml', { helm: helm({ chart: path.join(root, 'chart') }) }],
    });
    expect(loaded.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'manifest-render-failed',
        keyPath: 'manifests[1].helm.chart',
        message: 'helm template chart failed: parse error at (hello/templates/deployment.yaml:9): function "nosuchfunc" not defined',
        hint: 'that is helm’s own message: fix the chart or its values',
      },
    ]);
  });

  it('says how to install helm when it is missing', async () => {
    const loaded = await loadManifestSources(fs, new FakeRunner(), {
      rootDir: root,
      sources: [{ helm: helm({ chart: path.join(root, 'chart') }) }],
    });
    expect(loaded.diagnostics).toMatchObject([
      { code: 'manifest-renderer-missing', keyPath: 'manifests[0].helm.chart', message: 'helm is not installed (needed to render chart)' },
    ]);
    expect(loaded.diagnostics[0]?.hint).toMatch(/install Helm/);
  });

  it('builds an overlay with kustomize, else with kubectl kustomize, else says how to install either', async () => {
    const overlay = path.join(root, 'kustomize/overlays/dev');
    const sources = [{ kustomize: overlay }];

    const withKustomize = new FakeRunner().on('kustomize', { stdout: rendered });
    expect((await loadManifestSources(fs, withKustomize, { rootDir: root, sources })).objects).toHaveLength(2);
    expect(withKustomize.calls.map((c) => [c.command, ...c.args])).toEqual([['kustomize', 'build', overlay]]);

    const withKubectl = new FakeRunner().on('kubectl', { stdout: rendered });
    expect((await loadManifestSources(fs, withKubectl, { rootDir: root, sources })).objects).toHaveLength(2);
    expect(withKubectl.calls.map((c) => [c.command, ...c.args])).toEqual([
      ['kustomize', 'build', overlay],
      ['kubectl', 'kustomize', overlay],
    ]);

    const failing = new FakeRunner().on('kustomize', {
      exitCode: 1,
      stderr: "Error: accumulating resources: '../../nope': no such file\n",
    });
    expect((await loadManifestSources(fs, failing, { rootDir: root, sources })).diagnostics).toMatchObject([
      {
        code: 'manifest-render-failed',
        keyPath: 'manifests[0].kustomize',
        message: "kustomize build kustomize/overlays/dev failed: accumulating resources: '../../nope': no such file",
      },
    ]);

    const neither = await loadManifestSources(fs, new FakeRunner(), { rootDir: root, sources });
    expect(neither.diagnostics).toMatchObject([{ code: 'manifest-renderer-missing', keyPath: 'manifests[0].kustomize' }]);
    expect(neither.diagnostics[0]?.hint).toMatch(/install kustomize .* or kubectl/);
  });

  it('a rendered document that is no object names the entry and the command, not a line of the output', async () => {
    const runner = new FakeRunner().on('helm', { stdout: `${rendered}---\napiVersion: v1\nkind: ConfigMap\n` });
    const loaded = await loadManifestSources(fs, runner, { rootDir: root, sources: [{ helm: helm({ chart: path.join(root, 'chart') }) }] });
    expect(loaded.objects).toHaveLength(2);
    expect(loaded.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'manifest-not-an-object',
        keyPath: 'manifests[0].helm.chart',
        message: 'helm template chart: document 3 has no metadata.name',
        hint: 'Every document needs apiVersion, kind and metadata.name.',
      },
    ]);
  });
});

describe('manifestWatchPatterns', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'devloop-render-'));
    cpSync(fixtures, root, { recursive: true });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("watches globs, a chart's directory and values files, and an overlay with the bases and files it names", async () => {
    writeFileSync(path.join(root, 'shared-patch.yaml'), 'x: 1\n');
    const overlay = path.join(root, 'kustomize/overlays/dev');
    writeFileSync(
      path.join(overlay, 'kustomization.yaml'),
      [
        'resources:',
        '  - ../../base',
        '  - https://github.com/example/remote//base',
        'patches:',
        '  - path: version.yaml',
        '  - path: ../../../shared-patch.yaml',
        '  - patch: |-',
        '      - op: remove',
        '        path: /x',
        '',
      ].join('\n'),
    );
    const patterns = await manifestWatchPatterns(fs, [
      'k8s/*.yaml',
      { helm: helm({ chart: path.join(root, 'chart'), values: [path.join(root, 'values-dev.yaml')] }) },
      { kustomize: overlay },
    ]);
    expect(patterns).toEqual([
      'k8s/*.yaml',
      path.join(root, 'chart/**'),
      path.join(root, 'values-dev.yaml'),
      path.join(overlay, '**'),
      path.join(root, 'kustomize/base/**'),
      path.join(root, 'shared-patch.yaml'),
    ]);
  });
});
