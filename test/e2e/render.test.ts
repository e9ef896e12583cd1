import { cpSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { execa } from 'execa';
import { afterEach, expect, it } from 'vitest';
import { type E2eLoop, startE2eLoop } from '../support/e2e-loop.ts';
import { type E2eProject, e2eProject, eventually } from '../support/e2e-project.ts';
import { describeWithCluster, type TestEnvironment } from '../support/environment.ts';
import { describeWithRenderTools } from '../support/render-tools.ts';

const bin = path.resolve(import.meta.dirname, '../../bin/devloop.js');
const fixtures = path.resolve(import.meta.dirname, '../fixtures/render');

interface Container {
  name: string;
  image: string;
  env?: { name: string; value: string }[];
}
interface Workload {
  metadata: { labels: Record<string, string> };
  spec: { template: { spec: { containers: Container[] } } };
}

describeWithCluster('charts and overlays on the cluster', (env: TestEnvironment) => {
  describeWithRenderTools('rendered with the real helm and kustomize', () => {
    let project: E2eProject | undefined;
    let loop: E2eLoop | undefined;
    afterEach(async () => {
      await loop?.stop();
      loop = undefined;
      project?.remove();
    });

    const withSources = (manifests: unknown[]) => {
      const p = e2eProject(env, { config: { manifests } });
      cpSync(path.join(fixtures, 'chart'), path.join(p.dir, 'chart'), { recursive: true });
      cpSync(path.join(fixtures, 'kustomize'), path.join(p.dir, 'kustomize'), { recursive: true });
      project = p;
      return p;
    };
    const devloop = (p: E2eProject, args: string[]) =>
      execa(process.execPath, [bin, ...args], { cwd: p.dir, env: p.env, reject: false, timeout: 200_000 });
    const ci = (p: E2eProject) => devloop(p, ['ci', '--timeout', '150s']);
    const workload = (p: E2eProject) => JSON.parse(p.kubectl(['-n', p.namespace, 'get', 'deployment', 'hello', '-o', 'json'])) as Workload;
    const envOf = (w: Workload) => Object.fromEntries((w.spec.template.spec.containers[0]?.env ?? []).map((e) => [e.name, e.value]));
    // what the project could have applied (every namespace gets the cluster's CA ConfigMap by itself)
    const names = (p: E2eProject) =>
      p
        .kubectl(['-n', p.namespace, 'get', 'deployments,services,configmaps', '-o', 'name'])
        .split('\n')
        .filter((n) => n && n !== 'configmap/kube-root-ca.crt')
        .join('\n');
    const chart = { helm: { chart: 'chart', releaseName: 'hello', values: ['chart/values-dev.yaml'], set: { version: 'from-set' } } };

    it('ci deploys a Helm chart with the devloop image injected; down removes what it applied', async () => {
      const p = withSources([chart]);
      const run = await ci(p);
      expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
      expect(run.stdout).toContain('[hello] ready');
      const deployed = workload(p);
      expect(deployed.spec.template.spec.containers[0]?.image).toMatch(/(^|\/)hello-web:devloop-[0-9a-f]+$/);
      expect(envOf(deployed).APP_VERSION).toBe('from-set');
      expect(deployed.metadata.labels.chart).toBe('hello');
      expect(names(p)).toContain('service/hello');

      const down = await devloop(p, ['down']);
      expect(down.exitCode, `${down.stdout}\n${down.stderr}`).toBe(0);
      expect(down.stdout).toContain(`deleted Deployment/hello (namespace ${p.namespace})`);
      expect(down.stdout).toContain(`deleted Service/hello (namespace ${p.namespace})`);
      await eventually('the chart objects to be gone', () => (/deployment|service\/hello/.test(names(p)) ? undefined : true), 30_000);
    });

    it('ci deploys a Kustomize overlay: its base, patch and labels, with the devloop image', async () => {
      const p = withSources([{ kustomize: 'kustomize/overlays/dev' }]);
      const run = await ci(p);
      expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
      expect(run.stdout).toContain('[hello] ready');
      const deployed = workload(p);
      expect(deployed.spec.template.spec.containers[0]?.image).toMatch(/(^|\/)hello-web:devloop-[0-9a-f]+$/);
      expect(envOf(deployed).APP_VERSION).toBe('dev-overlay');
      expect(deployed.metadata.labels.env).toBe('dev');
    });

    it("a helm template error fails fast with helm's message, exit 2, nothing applied", async () => {
      const p = withSources(['k8s/*.yaml', chart]);
      p.write('chart/templates/config.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.name | nosuchfunc }}\n');
      const started = Date.now();
      const run = await ci(p);
      expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(2);
      expect(run.stderr).toMatch(
        /devloop\.config\.json: manifests\[1\]\.helm\.chart: helm template chart failed: .*hello\/templates\/config\.yaml:4.*function "nosuchfunc" not defined/,
      );
      expect(Date.now() - started).toBeLessThan(30_000);
      // not even the plain YAML beside the chart was applied
      expect(names(p)).toBe('');
    });

    it("up re-renders and rolls out when a chart template changes; a broken template shows helm's message and the session keeps running", async () => {
      const p = withSources([chart]);
      loop = await startE2eLoop(p);
      expect(envOf(workload(p)).APP_VERSION).toBe('from-set');
      const nonce = `edited-${Math.random().toString(36).slice(2, 8)}`;
      const template = path.join(p.dir, 'chart/templates/deployment.yaml');
      p.write('chart/templates/deployment.yaml', readFileSync(template, 'utf8').replace('{{ .Values.version | quote }}', `"${nonce}"`));
      await eventually('the edited template deployed', () => (envOf(workload(p)).APP_VERSION === nonce ? true : undefined), 90_000);
      await eventually('hello ready again', () => (loop?.store.getState().resources.hello?.phase === 'ready' ? true : undefined), 90_000);

      // a broken template shows helm's message and leaves the running session alone
      p.write('chart/templates/config.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.name | nosuchfunc }}\n');
      const invalid = await eventually(
        'the render error',
        () => loop?.actions.find((a) => a.type === 'config-invalid' && JSON.stringify(a).includes('manifest-render-failed')),
        30_000,
      );
      expect(JSON.stringify(invalid)).toMatch(/manifests\[0\]\.helm\.chart.*function \\"nosuchfunc\\" not defined/);
      expect(envOf(workload(p)).APP_VERSION).toBe(nonce);
    });

    it("up rebuilds an overlay when its base (outside the overlay's folder) changes", async () => {
      const p = withSources([{ kustomize: 'kustomize/overlays/dev' }]);
      loop = await startE2eLoop(p);
      const nonce = `base-${Math.random().toString(36).slice(2, 8)}`;
      const base = path.join(p.dir, 'kustomize/base/deployment.yaml');
      p.write(
        'kustomize/base/deployment.yaml',
        readFileSync(base, 'utf8').replace('app: hello\n    spec:', `app: hello\n        edit: ${nonce}\n    spec:`),
      );
      await eventually(
        'the edited base deployed',
        () => {
          const labels = (workload(p) as unknown as { spec: { template: { metadata: { labels: Record<string, string> } } } }).spec.template
            .metadata.labels;
          return labels.edit === nonce ? true : undefined;
        },
        90_000,
      );
    });
  });
});
