import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { execa } from 'execa';
import { afterEach, expect, it } from 'vitest';
import { devloopEnvironment, eventually, fetchText, kubectlOn } from '../support/e2e-project.ts';
import { describeWithCluster, type TestEnvironment } from '../support/environment.ts';
import { describeWithRenderTools } from '../support/render-tools.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const bin = path.join(repoRoot, 'bin/devloop.js');

interface Shop {
  readonly dir: string;
  readonly namespace: string;
  readonly port: number;
  readonly env: Record<string, string | undefined>;
  kubectl(args: readonly string[]): string;
  edit(file: string, change: (text: string) => string): void;
  devloop(args: readonly string[]): ReturnType<typeof execa>;
  remove(): void;
}

/** A copy of examples/shop aimed at the test cluster, in a namespace of its own (the personal override file says where). */
function shopCopy(env: TestEnvironment): Shop {
  const dir = mkdtempSync(path.join(tmpdir(), 'devloop-shop-'));
  cpSync(path.join(repoRoot, 'examples/shop'), dir, { recursive: true });
  // Outside the repository the `devloop` package is not installed: the config keeps its shape without the import.
  const configFile = path.join(dir, 'devloop.config.ts');
  writeFileSync(
    configFile,
    readFileSync(configFile, 'utf8').replace(/^import \{ defineConfig \} from 'devloop';$/m, 'const defineConfig = <T>(c: T): T => c;'),
  );
  const namespace = `shop-${Math.random().toString(36).slice(2, 8)}`;
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  writeFileSync(
    path.join(dir, 'devloop.local.config.json'),
    JSON.stringify({
      cluster: { context: env.context, namespace },
      resources: { api: { portForwards: [`${port}:8080`] } },
      watch: { debounceMs: 50 },
    }),
  );
  const processEnv = devloopEnvironment(env, dir);
  const kubectl = kubectlOn(env);
  kubectl(['create', 'namespace', namespace]);
  return {
    dir,
    namespace,
    port,
    env: processEnv,
    kubectl,
    edit: (file, change) => writeFileSync(path.join(dir, file), change(readFileSync(path.join(dir, file), 'utf8'))),
    devloop: (args) => execa(process.execPath, [bin, ...args], { cwd: dir, env: processEnv, reject: false, timeout: 240_000 }),
    remove: () => {
      try {
        kubectl(['delete', 'namespace', namespace, '--wait=false']);
      } catch {
        // already gone
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describeWithCluster('examples/shop on the cluster', (env: TestEnvironment) => {
  describeWithRenderTools('with the real helm and kustomize', () => {
    let shop: Shop | undefined;
    afterEach(async () => {
      if (shop) await shop.devloop(['down']);
      shop?.remove();
      shop = undefined;
    });

    const output = (run: { stdout?: unknown; stderr?: unknown }) => `${String(run.stdout)}\n${String(run.stderr)}`;

    it('ci runs the code generator and deploys the chart, the overlay and the CRD with its object, in dependency order; down removes exactly that', async () => {
      shop = shopCopy(env);
      const s = shop;
      const run = await s.devloop(['ci', '--timeout', '180s']);
      const out = output(run);
      expect(run.exitCode, out).toBe(0);
      for (const name of ['api', 'migrate', 'db']) expect(out).toContain(`[${name}] ready`);
      expect(out.indexOf('[db] ready')).toBeLessThan(out.indexOf('[migrate] applying'));
      expect(out.indexOf('[migrate] ready')).toBeLessThan(out.indexOf('[api] applying'));
      expect(out).toContain('migrations done');
      expect(out).toContain('generated api/site/generated/greeting.html');
      const pod = s.kubectl(['-n', s.namespace, 'get', 'pods', '-l', 'app=api', '-o', 'jsonpath={.items[0].metadata.name}']);
      expect(s.kubectl(['-n', s.namespace, 'exec', pod, '--', 'cat', '/srv/generated/greeting.html'])).toContain('Hello from the schema');
      expect(s.kubectl(['-n', s.namespace, 'get', 'widget', 'featured', '-o', 'jsonpath={.spec.color}'])).toBe('blue');
      const image = s.kubectl(['-n', s.namespace, 'get', 'deployment', 'api', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']);
      expect(image).toMatch(/shop-api:devloop-[0-9a-f]+$/);
      expect(s.kubectl(['-n', s.namespace, 'get', 'job', 'migrate', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'])).toBe(
        image,
      );
      expect(s.kubectl(['-n', s.namespace, 'get', 'statefulset', 'db', '-o', 'jsonpath={.spec.template.metadata.labels.env}'])).toBe('dev');

      const down = await s.devloop(['down']);
      const downOut = output(down);
      expect(down.exitCode, downOut).toBe(0);
      for (const what of ['Deployment/api', 'Service/api', 'StatefulSet/db', 'Service/db', 'Job/migrate', 'Widget/featured']) {
        expect(downOut).toContain(`deleted ${what} (namespace ${s.namespace})`);
      }
      expect(downOut).toContain('deleted CustomResourceDefinition/widgets.shop.example.dev');
    });

    it('a chart that does not render fails at once with helm’s words and the file', async () => {
      shop = shopCopy(env);
      shop.edit('charts/api/templates/deployment.yaml', (t) =>
        t.replace('{{ .Values.replicas }}', '{{ .Values.replicas | nosuchfunction }}'),
      );
      const run = await shop.devloop(['ci', '--timeout', '60s']);
      const out = output(run);
      expect(run.exitCode, out).toBe(2);
      expect(out).toContain('nosuchfunction');
      expect(out).toContain('charts/api');
    });

    it('a Widget whose CRD is in neither the manifests nor the cluster fails before anything runs', async () => {
      shop = shopCopy(env);
      const s = shop;
      rmSync(path.join(s.dir, 'k8s/crd/widget-crd.yaml'));
      s.edit('k8s/crd/widget.yaml', (t) => t.replaceAll('shop.example.dev', 'nocrd.example.dev'));
      const run = await s.devloop(['ci', '--timeout', '60s']);
      const out = output(run);
      expect(run.exitCode, out).not.toBe(0);
      expect(out).toMatch(/Widget/);
      expect(out).toMatch(/nocrd\.example\.dev/);
    });

    it('up redeploys the part that changed: chart values, the overlay, the custom object, the generated code, the app', async () => {
      shop = shopCopy(env);
      const s = shop;
      const up = execa(process.execPath, [bin, 'up', '--output', 'plain'], { cwd: s.dir, env: s.env, reject: false });
      try {
        // A Job is deleted and created anew while it is re-run: a missing object reads as empty.
        const get = (what: string, jsonPath: string) => {
          try {
            return s.kubectl(['-n', s.namespace, 'get', what, '-o', `jsonpath=${jsonPath}`]);
          } catch {
            return '';
          }
        };
        await eventually('the api served', () => fetchText(`http://127.0.0.1:${s.port}/`), 180_000);
        await eventually('the version from values-dev.yaml', async () =>
          (await fetchText(`http://127.0.0.1:${s.port}/cgi-bin/version`))?.includes('from values-dev.yaml') ? true : undefined,
        );

        s.edit('charts/api/values-dev.yaml', (t) => t.replace('from values-dev.yaml', 'edited values'));
        await eventually(
          'the chart edit served',
          async () => ((await fetchText(`http://127.0.0.1:${s.port}/cgi-bin/version`))?.includes('edited values') ? true : undefined),
          120_000,
        );

        s.edit('k8s/overlays/dev/kustomization.yaml', (t) => t.replace('env: dev', 'env: dev-edited'));
        await eventually(
          'the overlay edit applied',
          () => (get('statefulset/db', '{.spec.template.metadata.labels.env}') === 'dev-edited' ? true : undefined),
          120_000,
        );

        s.edit('k8s/crd/widget.yaml', (t) => t.replace('color: blue', 'color: green'));
        await eventually(
          'the custom object edit applied',
          () => (get('widget/featured', '{.spec.color}') === 'green' ? true : undefined),
          120_000,
        );

        s.edit('api/schema/greeting.txt', () => 'Hello from an edited schema\n');
        await eventually(
          'the regenerated page served',
          async () =>
            (await fetchText(`http://127.0.0.1:${s.port}/generated/greeting.html`))?.includes('edited schema') ? true : undefined,
          120_000,
        );

        const jobUid = await eventually('the migration Job', () => get('job/migrate', '{.metadata.uid}') || undefined);
        s.edit('api/site/index.html', (t) => t.replace('shop api', 'shop api, edited'));
        await eventually(
          'the app edit served',
          async () => ((await fetchText(`http://127.0.0.1:${s.port}/`))?.includes('shop api, edited') ? true : undefined),
          120_000,
        );
        await eventually(
          'the migration run again with the new image',
          () => (get('job/migrate', '{.metadata.uid}') !== jobUid && get('job/migrate', '{.status.succeeded}') === '1' ? true : undefined),
          120_000,
        );
      } catch (error) {
        up.kill('SIGINT');
        throw new Error(`${String(error)}\n--- devloop up said:\n${output(await up)}`);
      } finally {
        up.kill('SIGINT');
        await up;
      }
    });
  });
});
