import { lastLines } from '../deliver/k3d-cli.ts';
import { checkContext, isLoopbackAddress } from '../deliver/local-context.ts';
import { LOCAL_REGISTRY_HOSTING, type LocalRegistryHosting, parseLocalRegistryHosting } from '../deliver/registry-hosting.ts';
import { describeRemoteEndpoint } from '../deliver/remote-endpoint.ts';
import { succeeded } from '../system/process-runner.ts';
import type { DoctorCheck, DoctorCheckId, DoctorProbes, DoctorTarget } from './doctor-check.ts';
import { checkInotify } from './inotify-check.ts';
import { k3dInstallFix } from './k3d-install-help.ts';
import { onboardDefaults, parseRegistryAddress } from './names.ts';

/** The oldest Node devloop supports. */
export const minNodeVersion = [22, 22, 0] as const;

const pass = (id: DoctorCheckId, detail: string, fix?: string): DoctorCheck => ({ id, ok: true, detail, fix });
const fail = (id: DoctorCheckId, detail: string, fix: string): DoctorCheck => ({ id, ok: false, detail, fix });

/**
 * `devloop doctor`: checks the machine from Docker to the cluster's
 * registry and answers one `DoctorCheck` per id in `doctorCheckIds` order.
 * Checks that depend on an earlier one (the builder on Docker, the registry
 * on the API) say so instead of failing twice with different words.
 */
export async function runDoctorChecks(probes: DoctorProbes, target: DoctorTarget, timeoutMs = 5000): Promise<DoctorCheck[]> {
  const registry = parseRegistryAddress(target.registry ?? onboardDefaults.registry);
  const [docker, k3d, node, inotify, dns, lint, kube] = await Promise.all([
    checkDocker(probes),
    checkK3d(probes),
    checkNode(probes.nodeVersion),
    checkInotify(probes.fs, target.watch),
    checkLocalhostDns(probes, registry?.name ?? 'k3d-registry.localhost'),
    checkLints(probes, target),
    checkKube(probes, target, timeoutMs),
  ]);
  const builder = docker.ok
    ? await checkBuilder(probes)
    : fail('builder', 'not checked: Docker is not reachable', 'fix the docker check first');
  const pushHost = target.registry ?? kube.hosting?.host ?? `localhost:${registry?.port ?? 5000}`;
  const registryHost = await checkRegistryHost(probes, pushHost);
  return [docker, builder, k3d, kube.context, kube.api, registryHost, kube.registry, dns, inotify, node, lint];
}

async function checkDocker(probes: DoctorProbes): Promise<DoctorCheck> {
  const run = await probes.runner.run('docker', ['version', '--format', '{{.Server.Version}} (API {{.Server.APIVersion}})'], {
    timeoutMs: 15_000,
  });
  if (run.notFound) {
    return fail('docker', 'docker is not on PATH', 'install Docker Engine (https://docs.docker.com/engine/install/) or Docker Desktop');
  }
  if (!succeeded(run)) {
    return fail(
      'docker',
      `the Docker daemon is not reachable: ${lastLines(run.stderr || run.stdout, 1) || 'no answer'}`,
      'start Docker (`sudo systemctl start docker`, or open Docker Desktop); check DOCKER_HOST and that your user may use the socket (docker group)',
    );
  }
  return pass('docker', `Docker ${run.stdout.trim()}`);
}

async function checkBuilder(probes: DoctorProbes): Promise<DoctorCheck> {
  const buildx = await probes.runner.run('docker', ['buildx', 'version'], { timeoutMs: 15_000 });
  if (succeeded(buildx)) {
    const version = /v?\d+\.\d+\.\d+\S*/.exec(buildx.stdout)?.[0] ?? '';
    const socket = await probes.engineSocket?.().catch(() => undefined);
    const engine = socket ? `; small contexts by the engine's own BuildKit over ${socket}` : '';
    return pass('builder', `BuildKit through buildx ${version}`.trim() + engine);
  }
  return pass(
    'builder',
    'classic builder (no buildx): builds work; BuildKit-only Dockerfile features (RUN --mount, heredocs) do not',
    'for BuildKit install the buildx plugin (docker-buildx-plugin, or docker-buildx on Debian)',
  );
}

async function checkK3d(probes: DoctorProbes): Promise<DoctorCheck> {
  const run = await probes.runner.run('k3d', ['version'], { timeoutMs: 15_000 });
  if (run.notFound) return fail('k3d', 'k3d is not on PATH', k3dInstallFix);
  if (!succeeded(run))
    return fail('k3d', `k3d version failed: ${lastLines(run.stderr || run.stdout, 1)}`, 'reinstall k3d (https://k3d.io/#installation)');
  return pass('k3d', `k3d ${/v?\d+\.\d+\.\d+\S*/.exec(run.stdout)?.[0] ?? run.stdout.split('\n')[0]}`);
}

/** `v24.1.0` ≥ 22.22? */
export function nodeVersionSupported(version: string): boolean {
  const parts = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version)?.slice(1).map(Number);
  if (!parts) return false;
  for (let i = 0; i < 3; i++) {
    const have = parts[i] ?? 0;
    const need = minNodeVersion[i] ?? 0;
    if (have !== need) return have > need;
  }
  return true;
}

function checkNode(version: string): DoctorCheck {
  if (nodeVersionSupported(version)) return pass('node', `Node ${version}`);
  return fail(
    'node',
    `Node ${version} is older than ${minNodeVersion.join('.')}`,
    'install Node 24 LTS (e.g. `nvm install 24`), or add the `node` package as a devDependency',
  );
}

async function checkLocalhostDns(probes: DoctorProbes, host: string): Promise<DoctorCheck> {
  const looked = await probes.lookup(host);
  if (looked.ok && looked.value.length > 0 && looked.value.every((a) => isLoopbackAddress(a))) {
    return pass('localhost-dns', `${host} resolves to ${looked.value.join(', ')}`);
  }
  const seen = looked.ok ? `resolves to ${looked.value.join(', ') || 'nothing'}, not loopback` : `does not resolve (${looked.error})`;
  return fail(
    'localhost-dns',
    `${host} ${seen}: the host cannot push to the registry by that name (common on macOS, WSL and some Ubuntu setups)`,
    `add "127.0.0.1 ${host}" to /etc/hosts, or set cluster.k3d.registry to localhost:<port> in devloop.config.ts`,
  );
}

async function checkLints(probes: DoctorProbes, target: DoctorTarget): Promise<DoctorCheck> {
  if (!probes.lint) return pass('dockerfile-lint', 'not checked: Dockerfile lints are not available in this build');
  if (target.images.length === 0) return pass('dockerfile-lint', `not checked: ${target.configNote ?? 'no images configured'}`);
  const findings: string[] = [];
  for (const image of target.images) {
    const text = await probes.fs.readText(image.dockerfile).catch(() => undefined);
    if (text === undefined) {
      findings.push(`${image.name}: ${image.dockerfile} cannot be read`);
      continue;
    }
    const diagnostics = await probes.lint({ file: image.dockerfile, text, contextDir: image.context });
    for (const d of diagnostics) findings.push(`${d.file ?? image.dockerfile}${d.line ? `:${d.line}` : ''} ${d.code}: ${d.message}`);
  }
  if (findings.length === 0) return pass('dockerfile-lint', `${target.images.length} Dockerfile(s), no findings`);
  const shown = findings.slice(0, 5).join('; ') + (findings.length > 5 ? `; and ${findings.length - 5} more` : '');
  return fail('dockerfile-lint', `${findings.length} finding(s): ${shown}`, 'run `devloop lint` for each finding and its fix');
}

interface KubeChecks {
  readonly context: DoctorCheck;
  readonly api: DoctorCheck;
  readonly registry: DoctorCheck;
  readonly hosting: LocalRegistryHosting | undefined;
}

async function checkKube(probes: DoctorProbes, target: DoctorTarget, timeoutMs: number): Promise<KubeChecks> {
  const skipped = (why: string) => ({
    api: fail('kube-api', `not checked: ${why}`, 'fix the kube-context check first'),
    registry: fail('registry-cluster', `not checked: ${why}`, 'fix the kube-context check first'),
    hosting: undefined,
  });
  const create = `devloop cluster create (makes k3d-${target.cluster})`;
  const contexts = await probes.kubeContexts();
  if (!contexts.ok) return { context: fail('kube-context', contexts.error, create), ...skipped('no kubeconfig') };
  const name = target.context ?? contexts.value.current;
  if (!name)
    return {
      context: fail('kube-context', 'the kubeconfig has no current context', `${create}, or pass --context`),
      ...skipped('no context'),
    };
  const info = contexts.value.contexts.find((c) => c.name === name);
  if (!info) {
    const available = contexts.value.contexts.map((c) => c.name).join(', ') || 'none';
    return {
      context: fail('kube-context', `context ${name} is not in the kubeconfig (available: ${available})`, create),
      ...skipped(`context ${name} missing`),
    };
  }
  const verdict = await checkContext({
    context: { name, server: info.server, proxyUrl: info.proxyUrl },
    allowContexts: target.allowContexts,
    lookup: probes.lookup,
  });
  const where = `${name} → ${info.server ?? 'no server'}`;
  if (!verdict.ok) {
    // Never connect to a refused context: the request would carry its credentials.
    return {
      context: fail(
        'kube-context',
        `${where} is not a local cluster (${describeRemoteEndpoint(verdict.error.remote)}); devloop refuses to use it`,
        `use a local context (${create}) or add "${name}" to cluster.allowContexts`,
      ),
      ...skipped(`context ${name} is not local`),
    };
  }
  const context = pass(
    'kube-context',
    `${where} (${verdict.value.kind === 'allowed' ? 'remote, allowed by cluster.allowContexts' : 'local'})`,
  );

  const connected = await probes.connect(name);
  if (!connected.ok)
    return {
      context,
      api: fail('kube-api', connected.error, create),
      registry: fail('registry-cluster', 'not checked: no API', 'fix the kube-api check first'),
      hosting: undefined,
    };
  const read = await withTimeout(connected.value.readConfigMap(LOCAL_REGISTRY_HOSTING.namespace, LOCAL_REGISTRY_HOSTING.name), timeoutMs);
  if (read === 'timeout' || !read.ok) {
    const why = read === 'timeout' ? `no answer within ${timeoutMs} ms` : read.error.message;
    const unreachable = read === 'timeout' || read.error.reason === 'kube-unreachable';
    return {
      context,
      api: fail(
        'kube-api',
        `API at ${info.server ?? name} ${unreachable ? 'not reachable' : 'answered with an error'}: ${why}`,
        unreachable
          ? `start the cluster (k3d cluster start ${target.cluster}) or ${create}`
          : 'check the credentials of the context (kubectl auth can-i get configmaps -n kube-public)',
      ),
      registry: fail('registry-cluster', 'not checked: the API is not reachable', 'fix the kube-api check first'),
      hosting: undefined,
    };
  }
  const api = pass('kube-api', `API at ${info.server ?? name} answers`);
  const hosting = read.value ? parseLocalRegistryHosting(read.value) : undefined;
  const registry = hosting
    ? pass(
        'registry-cluster',
        `ConfigMap ${LOCAL_REGISTRY_HOSTING.namespace}/${LOCAL_REGISTRY_HOSTING.name}: push to ${hosting.host}, nodes pull from ${hosting.hostFromContainerRuntime ?? hosting.host}`,
      )
    : fail(
        'registry-cluster',
        `the cluster publishes no registry (ConfigMap ${LOCAL_REGISTRY_HOSTING.namespace}/${LOCAL_REGISTRY_HOSTING.name} ${read.value ? 'has no host' : 'is missing'}); devloop falls back to k3d image import`,
        `recreate the cluster with a registry: k3d cluster delete ${target.cluster} && devloop cluster create`,
      );
  return { context, api, registry, hosting };
}

async function checkRegistryHost(probes: DoctorProbes, host: string): Promise<DoctorCheck> {
  const ping = await probes.registryClient.ping(host);
  if (ping.ok) return pass('registry-host', `http://${host}/v2/ answers`);
  const detail =
    ping.error.reason === 'registry-name-unresolvable' ? `${host}: the name does not resolve` : `${host}: ${ping.error.detail}`;
  return fail(
    'registry-host',
    `registry not reachable from this machine: ${detail}`,
    'check it runs (k3d registry list; docker ps --filter name=registry) or create it with devloop cluster create',
  );
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
