import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NodeFileSystem } from '../system/node-file-system.ts';
import type { KubeObject } from './kube-types.ts';
import { defaultNamespace, injectImages, loadManifests, orderForApply, parseManifests, podSpecOf } from './manifests.ts';

const fixture = (name: string) => readFileSync(new URL(`../../test/fixtures/k8s/${name}`, import.meta.url), 'utf8');

describe('parseManifests', () => {
  it('reads every document with its line and skips empty ones', () => {
    const { objects, diagnostics } = parseManifests(fixture('app.yaml'), 'k8s/app.yaml');
    expect(diagnostics).toEqual([]);
    expect(objects.map((o) => [o.object.kind, o.index, o.line])).toEqual([
      ['ConfigMap', 0, 1],
      ['Deployment', 1, 9],
      ['Namespace', 2, 29],
    ]);
  });

  it('names file, document and line of what is wrong', () => {
    const { objects, diagnostics } = parseManifests(fixture('broken.yaml'), 'k8s/broken.yaml');
    expect(objects.map((o) => o.object.metadata.name)).toEqual(['fine']);
    expect(diagnostics).toHaveLength(2);
    expect(diagnostics[0]).toMatchObject({
      code: 'manifest-not-an-object',
      file: 'k8s/broken.yaml',
      line: 6,
      message: 'document 2 has no metadata.name',
    });
    expect(diagnostics[1]).toMatchObject({ code: 'manifest-invalid-yaml', file: 'k8s/broken.yaml' });
    expect(diagnostics[1]?.message).toMatch(/^document 3: /);
    expect(diagnostics[1]?.line).toBeGreaterThanOrEqual(10);
  });

  it('points a YAML syntax error at the line where it is, not where its document starts', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: b: c\n  d: e\n';
    const { diagnostics } = parseManifests(text, 'k8s/bad.yaml');
    expect(diagnostics[0]).toMatchObject({ code: 'manifest-invalid-yaml', file: 'k8s/bad.yaml', line: 6 });
  });

  it('expands a List', () => {
    const text =
      'apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}\n';
    expect(parseManifests(text, 'l.yaml').objects.map((o) => o.object.metadata.name)).toEqual(['a', 'b']);
  });
});

describe('injectImages', () => {
  const objects = () => parseManifests(fixture('app.yaml'), 'app.yaml').objects.map((o) => o.object);
  const images = [{ name: 'web', repository: 'web', ref: 'k3d-registry.localhost:5000/web:devloop-abc', pullPolicy: 'IfNotPresent' }];

  it('replaces containers and init containers whose repository matches, and sets the pull policy', () => {
    const input = objects();
    const { objects: out, injected } = injectImages(input, { images });
    const spec = podSpecOf(out[1] as KubeObject);
    expect(spec?.initContainers?.[0]).toMatchObject({ image: images[0]?.ref, imagePullPolicy: 'IfNotPresent' });
    expect(spec?.containers[0]).toMatchObject({ image: images[0]?.ref, imagePullPolicy: 'IfNotPresent' });
    expect(spec?.containers[1]).toEqual({ name: 'sidecar', image: 'busybox:1.36' });
    expect(injected.map((i) => [i.container, i.init])).toEqual([
      ['migrate', true],
      ['app', false],
    ]);
    expect(podSpecOf(input[1] as KubeObject)?.containers[0]?.image).toBe('web');
  });

  it('follows the container map of a resource', () => {
    const { injected } = injectImages(objects(), {
      images,
      mappings: [{ workload: { kind: 'Deployment', name: 'web' }, containers: { sidecar: 'web' } }],
    });
    expect(injected.map((i) => i.container)).toEqual(['sidecar']);
  });
});

describe('namespaces and order', () => {
  it('defaults the namespace of namespaced objects only', () => {
    const out = defaultNamespace(
      parseManifests(fixture('app.yaml'), 'a').objects.map((o) => o.object),
      'dev',
    );
    expect(out.map((o) => o.metadata.namespace)).toEqual(['dev', 'dev', undefined]);
  });

  it('applies namespaces, CRDs, identities, configuration, Services, workloads, then the rest, in manifest order within each', () => {
    const objects = [
      ['networking.k8s.io/v1', 'Ingress', 'web'],
      ['example.dev/v1', 'Widget', 'w'],
      ['apps/v1', 'Deployment', 'web'],
      ['v1', 'Service', 'web'],
      ['v1', 'Secret', 's'],
      ['batch/v1', 'Job', 'migrate'],
      ['rbac.authorization.k8s.io/v1', 'RoleBinding', 'rb'],
      ['apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'widgets.example.dev'],
      ['v1', 'ConfigMap', 'c'],
      ['v1', 'ServiceAccount', 'sa'],
      ['v1', 'Namespace', 'other'],
      ['v1', 'PersistentVolumeClaim', 'data'],
      ['v1', 'Namespace', 'dev'],
      ['serving.knative.dev/v1', 'Service', 'fn'],
    ].map(([apiVersion, kind, name]) => ({ apiVersion: apiVersion ?? '', kind: kind ?? '', name }));
    expect(orderForApply(objects).map((o) => `${o.kind}/${o.name}`)).toEqual([
      'Namespace/other',
      'Namespace/dev',
      'CustomResourceDefinition/widgets.example.dev',
      'RoleBinding/rb',
      'ServiceAccount/sa',
      'Secret/s',
      'ConfigMap/c',
      'PersistentVolumeClaim/data',
      'Service/web',
      'Deployment/web',
      'Job/migrate',
      'Ingress/web',
      'Widget/w',
      'Service/fn',
    ]);
  });

  it('places custom objects by the scope their CRD in the manifests gives, and clears the namespace of cluster-scoped ones', () => {
    const crd = (kind: string, scope: string): KubeObject => ({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `${kind.toLowerCase()}s.example.dev` },
      spec: { group: 'example.dev', scope, names: { kind }, versions: [{ name: 'v1', served: true, storage: true }] },
    });
    const object = (kind: string, namespace?: string): KubeObject => ({
      apiVersion: 'example.dev/v1',
      kind,
      metadata: { name: kind.toLowerCase(), ...(namespace ? { namespace } : {}) },
    });
    const out = defaultNamespace(
      [
        crd('Widget', 'Namespaced'),
        crd('Pool', 'Cluster'),
        object('Widget'),
        object('Pool'),
        object('Pool', 'ignored'),
        object('Gadget'),
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x', namespace: 'ignored' } },
      ],
      'dev',
    );
    expect(out.map((o) => o.metadata.namespace)).toEqual([undefined, undefined, 'dev', undefined, undefined, 'dev', undefined]);
  });
});

describe('loadManifests on a real disk', () => {
  const configMap = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}}\n`;

  it('skips folders a glob matches, reads absolute paths, and names a folder or a FIFO given as a manifest', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'devloop-manifests-'));
    const outside = mkdtempSync(path.join(tmpdir(), 'devloop-manifests-out-'));
    try {
      mkdirSync(path.join(root, 'k8s/sub'), { recursive: true });
      writeFileSync(path.join(root, 'k8s/a.yaml'), configMap('a'));
      writeFileSync(path.join(outside, 'b.yaml'), configMap('b'));
      const fs = new NodeFileSystem();
      const ok = await loadManifests(fs, { rootDir: root, patterns: ['k8s/*', path.join(outside, 'b.yaml')] });
      expect(ok.diagnostics).toEqual([]);
      expect(ok.objects.map((o) => o.object.metadata.name)).toEqual(['a', 'b']);

      const folder = await loadManifests(fs, { rootDir: root, patterns: ['k8s/*.yaml', 'k8s'] });
      expect(folder.diagnostics).toEqual([
        expect.objectContaining({ keyPath: 'manifests[1]', message: '"k8s" is a folder, not a manifest file' }),
      ]);

      execFileSync('mkfifo', [path.join(root, 'k8s/pipe.yaml')]);
      const fifo = await loadManifests(fs, { rootDir: root, patterns: ['k8s/*.yaml'] });
      expect(fifo.diagnostics.map((d) => d.message)).toEqual([
        'k8s/pipe.yaml is not a regular file (a FIFO, socket or device is never read)',
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
