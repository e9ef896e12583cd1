import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '../../config/load-config.ts';
import type { ResolvedConfig } from '../../config/resolved-config.ts';
import { ExitCode } from '../../core/exit-code.ts';
import { unreachable } from '../../core/unreachable.ts';
import { FetchRegistryClient } from '../../deliver/registry-client.ts';
import { type CreateError, type CreateEvent, createCluster } from '../../onboard/cluster-create.ts';
import { clusterTarget, k3dConfigFileName, readK3dConfig } from '../../onboard/cluster-target.ts';
import type { KubeConnect } from '../../onboard/cluster-verify.ts';
import { EnvRunner } from '../../onboard/env-runner.ts';
import { type ClusterTarget, clusterRunning, K3dClusterDriver, type K3dCommandError } from '../../onboard/k3d-cluster.ts';
import { k3dInstallHelp } from '../../onboard/k3d-install-help.ts';
import { kubeConnector } from '../../onboard/kube-connect.ts';
import { renderTemplate, templatesDir } from '../../onboard/templates.ts';
import { colors } from '../../report/colors.ts';
import { printDiagnostics } from '../../report/diagnostic-printer.ts';
import { dnsLookup } from '../../system/host-lookup.ts';
import type { CliContext, GlobalOptions } from '../cli-context.ts';
import { loadOptions } from '../load-command-config.ts';

export interface ClusterOptions extends GlobalOptions {
  /** `--no-verify`: skip the readiness wait and the registry proof. */
  readonly verify?: boolean;
  /** Small image with `true` used for the registry proof. */
  readonly probeImage?: string;
  readonly json?: boolean;
}

export type ClusterSubcommand = 'create' | 'delete' | 'status';

/**
 * `devloop cluster create|delete|status`: the k3d cluster and registry named
 * in devloop.config.ts (defaults `dev` and `k3d-registry.localhost:5000`).
 * `create` waits until the cluster is ready and proves a pod can pull what
 * the host pushed.
 */
export async function runCluster(ctx: CliContext, sub: string, options: ClusterOptions): Promise<ExitCode> {
  if (sub !== 'create' && sub !== 'delete' && sub !== 'status') {
    ctx.stderr.write(`error: unknown subcommand "${sub}"; use create, delete or status\n`);
    return ExitCode.usage;
  }
  const c = colors(ctx.color);
  const settled = await settleTarget(ctx, options);
  if (!settled.ok) return settled.code;
  const { target, notes, rootDir, k3dConfigFile } = settled;
  for (const note of notes) ctx.stderr.write(`${c.yellow('note:')} ${note}\n`);
  const runner = new EnvRunner({ inner: ctx.runner, env: ctx.env, cwd: ctx.cwd });
  const driver = new K3dClusterDriver({ runner });
  // Talking to the cluster's API follows the same local-context rule as `up`.
  const connect = kubeConnector(ctx.fs, ctx.env, { allowContexts: settled.allowContexts, lookup: dnsLookup() });

  switch (sub as ClusterSubcommand) {
    case 'create':
      return create(ctx, { driver, runner, connect, target, rootDir, k3dConfigFile, options });
    case 'delete': {
      ctx.stdout.write(`deleting k3d cluster ${target.name} and registry ${target.registry.name}\n`);
      const deleted = await driver.delete(target, { onLine: (line) => ctx.stdout.write(c.dim(`  │ ${line}\n`)), signal: ctx.signal });
      if (!deleted.ok) return reportK3dError(ctx, deleted.error);
      ctx.stdout.write(`${c.green('✓')} cluster ${target.name} deleted\n`);
      return ExitCode.ok;
    }
    case 'status':
      return status(ctx, { driver, connect, target, options });
    default:
      return unreachable(sub as never);
  }
}

type Settled =
  | {
      ok: true;
      target: ClusterTarget;
      notes: readonly string[];
      rootDir: string;
      k3dConfigFile: string | undefined;
      allowContexts: readonly string[];
    }
  | { ok: false; code: ExitCode };

async function settleTarget(ctx: CliContext, options: ClusterOptions): Promise<Settled> {
  const loaded = await loadConfig(
    loadOptions(ctx, { ...(options.config ? { config: options.config } : {}), ...(options.context ? { context: options.context } : {}) }),
  );
  let config: ResolvedConfig | undefined;
  if (loaded.ok) config = loaded.value.config;
  else if (ctx.signal.aborted) return { ok: false, code: ExitCode.interrupted };
  else if (!(loaded.error.length === 1 && loaded.error[0]?.code === 'config-not-found')) {
    printDiagnostics(ctx.stderr, loaded.error, { color: ctx.color, cwd: ctx.cwd });
    return { ok: false, code: ExitCode.usage };
  }
  const rootDir = config?.rootDir ?? ctx.cwd;
  const facts = await readK3dConfig(ctx.fs, path.join(rootDir, k3dConfigFileName));
  if (facts && 'severity' in facts) {
    printDiagnostics(ctx.stderr, [facts], { color: ctx.color, cwd: ctx.cwd });
    return { ok: false, code: ExitCode.usage };
  }
  const { target, notes } = clusterTarget({ config, k3dConfig: facts });
  return {
    ok: true,
    target,
    notes: config ? notes : [...notes, 'no devloop.config.ts: using the defaults'],
    rootDir,
    k3dConfigFile: facts?.file,
    allowContexts: config?.cluster.allowContexts ?? [],
  };
}

async function create(
  ctx: CliContext,
  deps: {
    driver: K3dClusterDriver;
    runner: EnvRunner;
    connect: KubeConnect;
    target: ClusterTarget;
    rootDir: string;
    k3dConfigFile: string | undefined;
    options: ClusterOptions;
  },
): Promise<ExitCode> {
  const c = colors(ctx.color);
  const { target } = deps;
  let configFile = deps.k3dConfigFile;
  let temporary: string | undefined;
  if (!configFile) {
    const text = await ctx.fs.readText(path.join(templatesDir(), 'k3d-cluster.yaml'));
    temporary = path.join(tmpdir(), `devloop-k3d-${target.name}-${process.pid}.yaml`);
    await ctx.fs.writeTextAtomic(
      temporary,
      renderTemplate(text, {
        name: target.name,
        cluster: target.name,
        registryName: target.registry.name,
        registryPort: target.registry.port,
      }),
    );
    configFile = temporary;
  }
  try {
    const result = await createCluster({
      driver: deps.driver,
      runner: deps.runner,
      target,
      configFile: temporary ? configFile : path.relative(ctx.cwd, configFile) || configFile,
      connect: deps.connect,
      probeImage: deps.options.probeImage ?? 'busybox:1.36',
      verify: deps.options.verify !== false,
      signal: ctx.signal,
      onEvent: (event) => printCreateEvent(ctx, event),
    });
    if (!result.ok) return reportCreateError(ctx, result.error);
    const { action, context, provedWith } = result.value;
    const verb = action === 'created' ? 'created' : action === 'started' ? 'started' : 'already running';
    ctx.stdout.write(`\n${c.green('✓')} cluster ${target.name} ${verb}; kube context ${context}${provedWith ? '; registry proven' : ''}\n`);
    ctx.stdout.write(`Next: ${c.bold('devloop up')}\n`);
    return ExitCode.ok;
  } finally {
    if (temporary) await ctx.fs.remove(temporary);
  }
}

function printCreateEvent(ctx: CliContext, event: CreateEvent): void {
  const c = colors(ctx.color);
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  switch (event.type) {
    case 'k3d-version':
      ctx.stdout.write(c.dim(`k3d ${event.version ?? '(version unknown)'}\n`));
      return;
    case 'cluster-exists':
      ctx.stdout.write(`cluster ${event.name} exists${event.running ? ' and runs' : ', stopped: starting it'}\n`);
      return;
    case 'k3d-started':
      ctx.stdout.write(`$ ${event.command.join(' ')}\n`);
      return;
    case 'k3d-line':
      ctx.stdout.write(c.dim(`  │ ${event.line}\n`));
      return;
    case 'waiting-for-api':
      ctx.stdout.write(`waiting for ${event.context}: API, nodes Ready, default ServiceAccount…\n`);
      return;
    case 'cluster-ready':
      ctx.stdout.write(`${c.green('✓')} ready: ${event.nodes.join(', ')} ${c.dim(`(${s(event.elapsedMs)})`)}\n`);
      return;
    case 'registry-found':
      ctx.stdout.write(
        `registry: push to ${event.pushHost}, nodes pull from ${event.pullHost} ${c.dim(`(${event.source === 'configmap' ? 'from ConfigMap kube-public/local-registry-hosting' : 'k3d defaults'})`)}\n`,
      );
      return;
    case 'image-pushed':
      ctx.stdout.write(`${c.green('✓')} pushed ${event.image} ${c.dim(`(${s(event.elapsedMs)})`)}\n`);
      return;
    case 'pod-pulled':
      ctx.stdout.write(`${c.green('✓')} pod ${event.pod} pulled ${event.image} and ran ${c.dim(`(${s(event.elapsedMs)})`)}\n`);
      return;
    default:
      unreachable(event);
  }
}

function reportK3dError(ctx: CliContext, error: K3dCommandError): ExitCode {
  switch (error.reason) {
    case 'k3d-not-installed':
      for (const line of k3dInstallHelp) ctx.stderr.write(`${line}\n`);
      return ExitCode.failure;
    case 'k3d-failed':
      ctx.stderr.write(`error: ${error.command.join(' ')} failed: ${error.detail}\n`);
      return ExitCode.failure;
    default:
      return unreachable(error);
  }
}

function reportCreateError(ctx: CliContext, error: CreateError): ExitCode {
  const say = (text: string, hint: string) => {
    ctx.stderr.write(`error: ${text}\n  hint: ${hint}\n`);
    return ExitCode.failure;
  };
  switch (error.reason) {
    case 'k3d-not-installed':
    case 'k3d-failed':
      return reportK3dError(ctx, error);
    case 'cluster-not-ready':
      return say(
        `${error.context} not ready after ${Math.round(error.waitedMs / 1000)} s: ${error.detail}`,
        'look at `docker ps` and `docker logs` of the server node, then `devloop cluster status`',
      );
    case 'docker-not-installed':
      return say('docker is not on PATH, so the registry cannot be proven', 'install Docker; `devloop doctor` checks the rest');
    case 'probe-image-unavailable':
      return say(
        `the probe image ${error.image} is not local and cannot be pulled: ${error.detail}`,
        'pass --probe-image with a small local image that has `true` (e.g. busybox), or --no-verify',
      );
    case 'registry-push-failed':
      return say(
        `pushing ${error.image} failed: ${error.detail}`,
        'is the registry running (k3d registry list)? `devloop doctor` checks the name and the port',
      );
    case 'registry-pull-failed':
      return say(
        `the cluster could not pull ${error.image} (${error.waitingReason}): ${error.detail}`,
        'the nodes must reach the registry by that name: recreate the cluster with `devloop cluster delete && devloop cluster create`',
      );
    case 'probe-pod-failed':
      return say(`probe pod ${error.pod} failed: ${error.detail}`, 'the probe image must have a `true` command; pass --probe-image');
    case 'probe-timeout':
      return say(
        `probe pod ${error.pod} still ${error.phase} after ${Math.round(error.waitedMs / 1000)} s`,
        'kubectl describe pod shows why',
      );
    case 'kube-call-failed':
      return say(`the cluster refused a call: ${error.detail}`, 'run `devloop doctor`');
    default:
      return unreachable(error);
  }
}

async function status(
  ctx: CliContext,
  deps: { driver: K3dClusterDriver; connect: KubeConnect; target: ClusterTarget; options: ClusterOptions },
): Promise<ExitCode> {
  const c = colors(ctx.color);
  const { target } = deps;
  const state = await deps.driver.state(target);
  if (!state.ok) return reportK3dError(ctx, state.error);
  const { cluster, registry, version, otherClusters } = state.value;
  const context = `k3d-${target.name}`;
  let api: { ok: boolean; detail: string } = { ok: false, detail: 'not checked' };
  if (cluster && clusterRunning(cluster)) {
    const connected = await deps.connect(context);
    if (!connected.ok) api = { ok: false, detail: connected.error };
    else {
      const nodes = await connected.value.list({ apiVersion: 'v1', kind: 'Node' });
      api = nodes.ok ? { ok: true, detail: `${nodes.value.length} node(s)` } : { ok: false, detail: nodes.error.message };
    }
  }
  const registryHost = registry?.hostPort ? `localhost:${registry.hostPort}` : `localhost:${target.registry.port}`;
  const ping = registry ? await new FetchRegistryClient({ timeoutMs: 3000 }).ping(registryHost) : undefined;
  const running = cluster !== undefined && clusterRunning(cluster);
  const healthy = running && api.ok && (registry === undefined || ping?.ok === true);
  if (deps.options.json) {
    ctx.stdout.write(
      `${JSON.stringify(
        {
          cluster: target.name,
          context,
          k3dVersion: version ?? null,
          exists: cluster !== undefined,
          running,
          servers: cluster ? `${cluster.serversRunning}/${cluster.serversCount}` : null,
          agents: cluster ? `${cluster.agentsRunning}/${cluster.agentsCount}` : null,
          api,
          registry: registry
            ? { name: registry.name, running: registry.running, hostPort: registry.hostPort ?? null, reachable: ping?.ok ?? false }
            : null,
        },
        null,
        2,
      )}\n`,
    );
    return healthy ? ExitCode.ok : ExitCode.failure;
  }
  const mark = (ok: boolean) => (ok ? c.green('✓') : c.red('✗'));
  if (!cluster) {
    ctx.stdout.write(
      `${mark(false)} cluster ${target.name} does not exist${otherClusters.length ? ` (k3d has: ${otherClusters.join(', ')})` : ''}\n`,
    );
    ctx.stdout.write(`  fix: devloop cluster create\n`);
    return ExitCode.failure;
  }
  ctx.stdout.write(
    `${mark(running)} cluster ${target.name}: servers ${cluster.serversRunning}/${cluster.serversCount}, agents ${cluster.agentsRunning}/${cluster.agentsCount}\n`,
  );
  if (!running) ctx.stdout.write(`  fix: k3d cluster start ${target.name}  (or devloop cluster create)\n`);
  ctx.stdout.write(`${mark(api.ok)} API through ${context}: ${api.detail}\n`);
  if (registry) {
    ctx.stdout.write(
      `${mark(ping?.ok === true)} registry ${registry.name}${registry.hostPort ? ` on ${registryHost}` : ''}: ${ping?.ok ? 'answers /v2/' : ping && !ping.ok ? (ping.error.reason === 'registry-unreachable' ? ping.error.detail : 'name does not resolve') : 'not checked'}\n`,
    );
  } else {
    ctx.stdout.write(`${c.yellow('-')} registry ${target.registry.name}: k3d does not know it; devloop delivers with k3d image import\n`);
  }
  return healthy ? ExitCode.ok : ExitCode.failure;
}
