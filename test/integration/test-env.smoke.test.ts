/**
 * Proves the test environment (`scripts/test-env up`) is real and complete:
 * an image built FROM the local busybox is pushed to the registry, a Deployment
 * that pulls it by the registry's in-cluster name becomes Ready behind a
 * readiness probe, and its logs, exec and port-forward work — once through
 * kubectl, once through @kubernetes/client-node. Plus the import path with
 * the real k3d CLI (`k3d image import -m direct` into the node container).
 *
 * Reads `$DEVLOOP_TEST_ENV_HOME/env.json` (default /var/lib/devloop-test-env).
 * Without it: fails under CI (run `scripts/test-env up`), skips otherwise.
 * With `DEVLOOP_TEST_ENV=external` it runs the same checks against your own
 * k3d cluster, described by KUBECONFIG, DEVLOOP_TEST_CONTEXT,
 * DEVLOOP_TEST_CLUSTER, DEVLOOP_TEST_REGISTRY_HOST and
 * DEVLOOP_TEST_REGISTRY_CLUSTER (see docs/test-environment.md).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBrokenStream } from '../../src/deliver/cluster-import.ts';
import { fromStateFile, fromVariables, type TestEnvironment } from '../support/read-test-environment.ts';

const fixture = fileURLToPath(new URL('../fixtures/smoke', import.meta.url));
const run = Date.now().toString(36);

const external = process.env.DEVLOOP_TEST_ENV === 'external';

/** The environment's facts, or why it cannot be used. */
function loadEnv(): { facts: TestEnvironment } | { problem: string } {
  if (external) {
    const described = fromVariables();
    return described.ok
      ? { facts: described.env }
      : { problem: 'DEVLOOP_TEST_ENV=external needs DEVLOOP_TEST_CONTEXT and DEVLOOP_TEST_REGISTRY_HOST' };
  }
  const written = fromStateFile();
  return written.ok ? { facts: written.env } : { problem: written.reason };
}

const loaded = loadEnv();

if ('problem' in loaded) {
  const message = external ? loaded.problem : `${loaded.problem}. Run \`scripts/test-env up\` (as root) first.`;
  if (process.env.CI) {
    describe('test environment smoke', () => {
      it('needs the test environment (CI is set, so this fails instead of skipping)', () => {
        throw new Error(message);
      });
    });
  } else {
    describe.skip(`test environment smoke (skipped: ${message})`, () => {
      it('needs the test environment', () => {});
    });
  }
} else {
  smokeSuite(loaded.facts);
}

function smokeSuite(env: TestEnvironment): void {
  const kubectlBin = env.kubectl && existsSync(env.kubectl) ? env.kubectl : 'kubectl';
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    // the environment's k3d first on PATH (unset with your own cluster: the k3d you installed)
    PATH: env.k3dBinDir ? `${env.k3dBinDir}${path.delimiter}${process.env.PATH ?? ''}` : process.env.PATH,
    ...(env.dockerHost ? { DOCKER_HOST: env.dockerHost } : {}),
    ...(external ? {} : { DOCKER_BUILDKIT: '0' }), // Debian's Docker here has no buildx; the classic builder works
    KUBECONFIG: env.kubeconfig,
  };

  /** Runs a program (no shell); rejects with its stderr on a non-zero exit. */
  function sh(file: string, args: readonly string[], timeout = 120_000): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(file, args, { env: childEnv, timeout, maxBuffer: 32 * 1024 * 1024 }, (error, stdout, stderr) => {
        if (error) reject(new Error(`${file} ${args.join(' ')} failed: ${stderr.trim() || error.message}`));
        else resolve(stdout);
      });
    });
  }
  const kubectl = (...args: string[]) => sh(kubectlBin, ['--context', env.context, ...args]);

  const repo = 'devloop-smoke';
  const tag = `smoke-${run}`;
  const pushed = `${env.registryHost}/${repo}:${tag}`;
  const pulled = `${env.registryFromCluster}/${repo}:${tag}`;
  const expectedBody = readFileSync(path.join(fixture, 'index.html'), 'utf8');
  const logMarker = 'devloop-smoke: serving /www on :8080';

  function deployment(name: string, image: string): k8s.V1Deployment {
    return {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, labels: { app: name } },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: {
            terminationGracePeriodSeconds: 1,
            containers: [
              {
                name: 'web',
                image,
                ports: [{ containerPort: 8080 }],
                readinessProbe: { httpGet: { path: '/index.html', port: 8080 }, periodSeconds: 1 },
              },
            ],
          },
        },
      },
    };
  }

  beforeAll(async () => {
    await sh('docker', ['build', '-t', pushed, fixture]);
    await sh('docker', ['push', pushed]);
  });

  afterAll(async () => {
    await sh('docker', ['image', 'rm', '-f', pushed, `devloop-smoke-import:${tag}`]).catch(() => undefined);
  });

  describe('test environment smoke', () => {
    it('serves the KEP-1755 ConfigMap exactly as k3d writes it', async () => {
      const data = await kubectl(
        '-n',
        'kube-public',
        'get',
        'configmap',
        'local-registry-hosting',
        '-o',
        'jsonpath={.data.localRegistryHosting\\.v1}',
      );
      expect(data).toContain(`host: ${env.registryHost}\n`);
      expect(data).toContain(`hostFromContainerRuntime: ${env.registryFromCluster}\n`);
      expect(data).toContain(`hostFromClusterNetwork: ${env.registryFromCluster}\n`);
    });

    it('runs a pushed image with kubectl: rollout, logs, exec, port-forward', async () => {
      const ns = `smoke-kubectl-${run}`;
      const dir = mkdtempSync(path.join(tmpdir(), 'devloop-smoke-'));
      try {
        await kubectl('create', 'namespace', ns);
        const manifest = path.join(dir, 'deployment.json');
        writeFileSync(manifest, JSON.stringify(deployment('smoke', pulled)));
        await kubectl('-n', ns, 'apply', '-f', manifest);
        await kubectl('-n', ns, 'rollout', 'status', 'deployment/smoke', '--timeout=120s');

        const pod = (await kubectl('-n', ns, 'get', 'pods', '-l', 'app=smoke', '-o', 'jsonpath={.items[0].metadata.name}')).trim();
        expect(pod).not.toBe('');
        expect(await kubectl('-n', ns, 'logs', pod)).toContain(logMarker);
        expect(await kubectl('-n', ns, 'exec', pod, '--', 'cat', '/www/index.html')).toBe(expectedBody);

        const forward = spawn(kubectlBin, ['--context', env.context, '-n', ns, 'port-forward', `pod/${pod}`, ':8080'], {
          env: childEnv,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        try {
          const port = await forwardedPort(forward);
          expect(await (await fetch(`http://127.0.0.1:${port}/index.html`)).text()).toBe(expectedBody);
        } finally {
          forward.kill();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
        await kubectl('delete', 'namespace', ns, '--wait=false').catch(() => undefined);
      }
    });

    it('runs a pushed image with @kubernetes/client-node: rollout, logs, exec, port-forward', async () => {
      const kc = new k8s.KubeConfig();
      kc.loadFromFile(env.kubeconfig);
      kc.setCurrentContext(env.context);
      const core = kc.makeApiClient(k8s.CoreV1Api);
      const apps = kc.makeApiClient(k8s.AppsV1Api);
      const namespace = `smoke-client-${run}`;
      try {
        await core.createNamespace({ body: { metadata: { name: namespace } } });
        await apps.createNamespacedDeployment({ namespace, body: deployment('smoke', pulled) });
        await until(120_000, async () => {
          const d = await apps.readNamespacedDeployment({ name: 'smoke', namespace });
          return (d.status?.observedGeneration ?? 0) >= (d.metadata?.generation ?? 1) && d.status?.readyReplicas === 1;
        });

        const pods = await core.listNamespacedPod({ namespace, labelSelector: 'app=smoke' });
        const pod = pods.items.find((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
        const name = pod?.metadata?.name;
        if (!name) throw new Error('no ready pod');

        expect(await core.readNamespacedPodLog({ name, namespace, container: 'web' })).toContain(logMarker);

        let out = '';
        const stdout = new Writable({
          write(chunk, _enc, done) {
            out += String(chunk);
            done();
          },
        });
        const status = await new Promise<k8s.V1Status>((resolve, reject) => {
          new k8s.Exec(kc).exec(namespace, name, 'web', ['cat', '/www/index.html'], stdout, null, null, false, resolve).catch(reject);
        });
        expect(status.status).toBe('Success');
        expect(out).toBe(expectedBody);

        const forward = new k8s.PortForward(kc);
        const server = net.createServer((socket) => {
          forward.portForward(namespace, name, [8080], socket, null, socket).catch((e) => socket.destroy(e as Error));
        });
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        try {
          const { port } = server.address() as net.AddressInfo;
          const response = await fetch(`http://127.0.0.1:${port}/index.html`, { headers: { connection: 'close' } });
          expect(await response.text()).toBe(expectedBody);
        } finally {
          server.close();
        }
      } finally {
        await core.deleteNamespace({ name: namespace }).catch(() => undefined);
      }
    });

    it('imports an image with k3d and runs it with imagePullPolicy IfNotPresent', async () => {
      const local = `devloop-smoke-import:${tag}`; // in no registry: only the import can deliver it
      await sh('docker', ['tag', pushed, local]);
      // k3d's direct mode now and then loses its stream into the node ("failed to copy read stream"); devloop
      // imports again when it does (src/deliver/cluster-import.ts), and so does this check, once.
      const importOnce = () => sh('k3d', ['image', 'import', '-m', 'direct', '-c', env.cluster, local]);
      const out = await importOnce().catch((error: Error) => {
        if (!isBrokenStream(error.message)) throw error;
        return importOnce();
      });
      expect(out).toContain(`Successfully imported 1 image(s) into 1 cluster(s)`);

      const ns = `smoke-import-${run}`;
      const dir = mkdtempSync(path.join(tmpdir(), 'devloop-smoke-'));
      try {
        await kubectl('create', 'namespace', ns);
        const manifest = path.join(dir, 'pod.json');
        writeFileSync(
          manifest,
          JSON.stringify({
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: { name: 'imported' },
            spec: {
              terminationGracePeriodSeconds: 1,
              containers: [
                {
                  name: 'web',
                  image: local,
                  imagePullPolicy: 'IfNotPresent',
                  readinessProbe: { httpGet: { path: '/index.html', port: 8080 }, periodSeconds: 1 },
                },
              ],
            },
          }),
        );
        await kubectl('-n', ns, 'apply', '-f', manifest);
        await kubectl('-n', ns, 'wait', '--for=condition=Ready', 'pod/imported', '--timeout=120s');
        expect(await kubectl('-n', ns, 'logs', 'imported')).toContain(logMarker);
      } finally {
        rmSync(dir, { recursive: true, force: true });
        await kubectl('delete', 'namespace', ns, '--wait=false').catch(() => undefined);
      }
    });

    it('lists the cluster with k3d, its server a running node container with crictl, and refuses an unknown cluster', async () => {
      const clusters = JSON.parse(await sh('k3d', ['cluster', 'list', '-o', 'json'])) as Array<{
        name: string;
        nodes: Array<{ name: string; role: string; State: { Running: boolean } }>;
      }>;
      const cluster = clusters.find((c) => c.name === env.cluster);
      expect(cluster).toMatchObject({ serversCount: 1, serversRunning: 1 });
      const server = cluster?.nodes.find((n) => n.role === 'server');
      expect(server?.State.Running).toBe(true);
      const images = JSON.parse(await sh('docker', ['exec', String(server?.name), 'crictl', 'images', '-o', 'json'])) as {
        images: unknown[];
      };
      expect(images.images.length).toBeGreaterThan(0);
      await expect(sh('k3d', ['image', 'import', '-m', 'direct', '-c', 'no-such-cluster', 'busybox:1.36'])).rejects.toThrow(
        /No nodes found for given cluster/,
      );
    });
  });
}

/** Resolves with the local port `kubectl port-forward … :PORT` chose. */
function forwardedPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`kubectl port-forward printed no port: ${seen}`)), 30_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const m = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(seen);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`kubectl port-forward exited (${code}): ${seen}`));
    });
  });
}

/** Polls `check` every 500 ms until it is true or `ms` pass. */
async function until(ms: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out after ${ms} ms${last ? `: ${String(last)}` : ''}`);
}
