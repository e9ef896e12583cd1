import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** Where generated trees live between runs (they take minutes to write). */
export const benchDataDir = '/var/tmp/devloop-bench';

/** The shape of the scale tree: 100 × 1000 context files, 2000 × 100 ignored node_modules files. */
export const scaleShape = { sourceDirs: 100, filesPerSourceDir: 1000, moduleDirs: 2000, filesPerModuleDir: 100 } as const;

const marker = '.generated-v1';

/**
 * A project whose build context holds 100k files that `COPY src/` selects and
 * an ignored `node_modules` of 200k files; generated once under
 * /var/tmp/devloop-bench/scale and reused while its marker file exists.
 */
export function ensureScaleTree(log: (line: string) => void): string {
  const dir = path.join(benchDataDir, 'scale');
  if (existsSync(path.join(dir, marker))) return dir;
  rmSync(dir, { recursive: true, force: true });
  log(`generating ${dir} (100k context files + 200k ignored; once)…`);
  const app = path.join(dir, 'app');
  mkdirSync(path.join(dir, 'k8s'), { recursive: true });
  mkdirSync(app, { recursive: true });
  writeFileSync(path.join(app, 'Dockerfile'), 'FROM busybox:1.36\nCOPY src/ /srv/src/\nCMD ["sh", "-c", "sleep 3600"]\n');
  writeFileSync(path.join(app, '.dockerignore'), 'node_modules\n');
  writeFileSync(path.join(dir, 'k8s/scale.yaml'), deployment('{ name: app, image: scale-app }'));
  writeFileSync(
    path.join(dir, 'devloop.config.json'),
    `${JSON.stringify(
      {
        images: { 'scale-app': { context: 'app' } },
        manifests: ['k8s/*.yaml'],
        resources: { scale: { containers: { app: 'scale-app' } } },
        cluster: { context: 'k3d-devloop-test', namespace: 'bench-scale' },
      },
      null,
      2,
    )}\n`,
  );
  const started = Date.now();
  for (let d = 0; d < scaleShape.sourceDirs; d++) {
    const sub = path.join(app, 'src', `d${String(d).padStart(3, '0')}`);
    mkdirSync(sub, { recursive: true });
    for (let f = 0; f < scaleShape.filesPerSourceDir; f++)
      writeFileSync(path.join(sub, `f${String(f).padStart(4, '0')}.txt`), `${d}.${f}\n`);
  }
  log(`  100k context files in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  for (let d = 0; d < scaleShape.moduleDirs; d++) {
    const sub = path.join(app, 'node_modules', `pkg${String(d).padStart(4, '0')}`);
    mkdirSync(sub, { recursive: true });
    for (let f = 0; f < scaleShape.filesPerModuleDir; f++) writeFileSync(path.join(sub, `f${String(f).padStart(3, '0')}.js`), `${f}\n`);
  }
  writeFileSync(path.join(dir, marker), `${new Date().toISOString()}\n`);
  log(`  done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return dir;
}

/**
 * A second config for the same tree: two images whose Dockerfiles both
 * `COPY src/` from the one context (and one Deployment running both), so
 * the watcher and the hash index are shared and the planner walks the
 * 100k files for each image. Written next to the tree's own config.
 */
export function ensureTwoImageConfig(dir: string): string {
  const file = path.join(dir, 'devloop.two-images.config.json');
  writeFileSync(path.join(dir, 'app/Dockerfile.api'), 'FROM busybox:1.36\nCOPY src/ /srv/api/\nCMD ["sh", "-c", "sleep 3600"]\n');
  mkdirSync(path.join(dir, 'k8s-two'), { recursive: true });
  writeFileSync(path.join(dir, 'k8s-two/scale.yaml'), deployment('{ name: app, image: scale-app }, { name: api, image: scale-api }'));
  const config = {
    images: { 'scale-app': { context: 'app' }, 'scale-api': { context: 'app', dockerfile: 'Dockerfile.api' } },
    manifests: ['k8s-two/*.yaml'],
    resources: { scale: { containers: { app: 'scale-app', api: 'scale-api' } } },
    cluster: { context: 'k3d-devloop-test', namespace: 'bench-scale' },
  };
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
  return file;
}

/** The Deployment `scale` running these containers (flow-style YAML), with more pod spec fields if given (`terminationGracePeriodSeconds: 0, `). */
export function deployment(containers: string, podSpec = ''): string {
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata: { name: scale }',
    'spec:',
    '  selector: { matchLabels: { app: scale } }',
    '  template:',
    '    metadata: { labels: { app: scale } }',
    `    spec: { ${podSpec}containers: [${containers}] }`,
    '',
  ].join('\n');
}

/** The context file the scale scenario edits. */
export function scaleEditFile(dir: string, i: number): string {
  return path.join(dir, 'app/src/d042', `f${String((i * 37) % scaleShape.filesPerSourceDir).padStart(4, '0')}.txt`);
}
