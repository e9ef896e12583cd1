import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { injectImages } from '../../src/k8s/manifests.ts';
import { loadManifestSources } from '../../src/k8s/render-manifests.ts';
import { ExecaRunner } from '../../src/system/execa-runner.ts';
import { NodeFileSystem } from '../../src/system/node-file-system.ts';
import type { ProcessRunner } from '../../src/system/process-runner.ts';
import { describeWithRenderTools } from '../support/render-tools.ts';

const fixtures = path.resolve(import.meta.dirname, '../fixtures/render');
const fs = new NodeFileSystem();
const runner = new ExecaRunner();
const images = [{ name: 'hello-web', repository: 'hello-web', ref: 'k3d-registry.localhost:5000/hello-web:devloop-1' }];

describeWithRenderTools('rendering with the real helm and kustomize', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'devloop-render-'));
    cpSync(fixtures, root, { recursive: true });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const helmSource = (over: Record<string, unknown> = {}) => ({
    helm: { chart: path.join(root, 'chart'), releaseName: 'web', namespace: 'team-a', values: [], set: {}, ...over },
  });

  it('helm template: values files and --set in order, objects in the release namespace, devloop images injected', async () => {
    const loaded = await loadManifestSources(fs, runner, {
      rootDir: root,
      sources: [helmSource({ values: [path.join(root, 'chart/values-dev.yaml')], set: { replicas: 2, version: 'a,b' } })],
    });
    expect(loaded.diagnostics).toEqual([]);
    const objects = loaded.objects.map((o) => o.object);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}@${o.metadata.namespace}`)).toEqual([
      'Service/web@team-a',
      'Deployment/web@team-a',
    ]);
    const deployment = objects[1] as unknown as { spec: { replicas: number; template: { spec: { containers: { env: unknown[] }[] } } } };
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.template.spec.containers[0]?.env).toEqual([{ name: 'APP_VERSION', value: 'a,b' }]);
    expect(injectImages(objects, { images }).injected).toMatchObject([{ kind: 'Deployment', name: 'web', container: 'web' }]);
  });

  it("kustomize build: the overlay's patch and labels over its base", async () => {
    const loaded = await loadManifestSources(fs, runner, {
      rootDir: root,
      sources: [{ kustomize: path.join(root, 'kustomize/overlays/dev') }],
    });
    expect(loaded.diagnostics).toEqual([]);
    const objects = loaded.objects.map((o) => o.object);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Service/hello', 'Deployment/hello']);
    expect(objects.every((o) => o.metadata.labels?.env === 'dev')).toBe(true);
    expect(JSON.stringify(objects[1])).toContain('dev-overlay');
    expect(injectImages(objects, { images }).injected).toHaveLength(1);
  });

  it("a template error is helm's own message, naming the template file and line", async () => {
    writeFileSync(path.join(root, 'chart/templates/broken.yaml'), 'kind: ConfigMap\nmetadata:\n  name: {{ .Values.x | nosuchfunc }}\n');
    const loaded = await loadManifestSources(fs, runner, { rootDir: root, sources: [helmSource()] });
    expect(loaded.objects).toEqual([]);
    expect(loaded.diagnostics).toHaveLength(1);
    expect(loaded.diagnostics[0]).toMatchObject({ code: 'manifest-render-failed', keyPath: 'manifests[0].helm.chart' });
    expect(loaded.diagnostics[0]?.message).toMatch(
      /^helm template chart failed: .*hello\/templates\/broken\.yaml:3.*function "nosuchfunc" not defined/,
    );
  });

  it('without kustomize on PATH the overlay is built by kubectl kustomize', async () => {
    const bin = path.join(root, 'only-kubectl');
    mkdirSync(bin);
    symlinkSync(execFileSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' }).trim(), path.join(bin, 'kubectl'));
    const calls: string[] = [];
    const onlyKubectl: ProcessRunner = {
      run: (command, args, options = {}) => {
        calls.push(command);
        return runner.run(command, args, { ...options, env: { ...options.env, PATH: bin } });
      },
    };
    const loaded = await loadManifestSources(fs, onlyKubectl, {
      rootDir: root,
      sources: [{ kustomize: path.join(root, 'kustomize/overlays/dev') }],
    });
    expect(calls).toEqual(['kustomize', 'kubectl']);
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.objects.map((o) => `${o.object.kind}/${o.object.metadata.name}:${o.object.metadata.labels?.env}`)).toEqual([
      'Service/hello:dev',
      'Deployment/hello:dev',
    ]);
  });

  it("an overlay naming a missing base is kustomize's own message", async () => {
    writeFileSync(path.join(root, 'kustomize/overlays/dev/kustomization.yaml'), 'resources:\n  - ../../nothing-here\n');
    const loaded = await loadManifestSources(fs, runner, {
      rootDir: root,
      sources: [{ kustomize: path.join(root, 'kustomize/overlays/dev') }],
    });
    expect(loaded.diagnostics).toMatchObject([{ code: 'manifest-render-failed', keyPath: 'manifests[0].kustomize' }]);
    expect(loaded.diagnostics[0]?.message).toMatch(/^kustomize build kustomize\/overlays\/dev failed: .*nothing-here/);
  });
});
