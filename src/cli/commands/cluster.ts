import * as path from 'node:path';
import { loadConfig } from '../../config/load-config.ts';
import type { ResolvedConfig } from '../../config/resolved-config.ts';
import { ExitCode } from '../../core/exit-code.ts';
import { unreachable } from '../../core/unreachable.ts';
import { FetchRegistryClient } from '../../deliver/registry-client.ts';
import { clusterConfigFile } from '../../onboard/cluster-config-file.ts';
import { type CreateError, type CreateEvent, createCluster } from '../../onboard/cluster-create.ts';
import { clusterErrorText } from '../../onboard/cluster-errors.ts';
import { clusterStatus } from '../../onboard/cluster-status.ts';
import { clusterTarget, k3dConfigFileName, readK3dConfig } from '../../onboard/cluster-target.ts';
import type { KubeConnect } from '../../onboard/cluster-verify.ts';
import { EnvRunner } from '../../onboard/env-runner.ts';
import { type ClusterTarget, K3dClusterDriver } from '../../onboard/k3d-cluster.ts';
import { kubeConnector } from '../../onboard/kube-connect.ts';
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
      if (!deleted.ok) return reportError(ctx, deleted.error);
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
  const config = await clusterConfigFile(ctx.fs, { target, projectFile: deps.k3dConfigFile, cwd: ctx.cwd });
  try {
    const result = await createCluster({
      driver: deps.driver,
      runner: deps.runner,
      target,
      configFile: config.file,
      connect: deps.connect,
      probeImage: deps.options.probeImage ?? 'busybox:1.36',
      verify: deps.options.verify !== false,
      signal: ctx.signal,
      onEvent: (event) => printCreateEvent(ctx, event),
    });
    if (!result.ok) return reportError(ctx, result.error);
    const { action, context, provedWith } = result.value;
    const verb = action === 'created' ? 'created' : action === 'started' ? 'started' : 'already running';
    ctx.stdout.write(`\n${c.green('✓')} cluster ${target.name} ${verb}; kube context ${context}${provedWith ? '; registry proven' : ''}\n`);
    ctx.stdout.write(`Next: ${c.bold('devloop up')}\n`);
    return ExitCode.ok;
  } finally {
    await config.dispose();
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

/** Prints the words for a failed cluster command; it always fails the command. */
function reportError(ctx: CliContext, error: CreateError): ExitCode {
  const text = clusterErrorText(error);
  if ('help' in text) for (const line of text.help) ctx.stderr.write(`${line}\n`);
  else ctx.stderr.write(`error: ${text.message}\n${text.hint ? `  hint: ${text.hint}\n` : ''}`);
  return ExitCode.failure;
}

async function status(
  ctx: CliContext,
  deps: { driver: K3dClusterDriver; connect: KubeConnect; target: ClusterTarget; options: ClusterOptions },
): Promise<ExitCode> {
  const c = colors(ctx.color);
  const checked = await clusterStatus({ ...deps, registryClient: new FetchRegistryClient({ timeoutMs: 3000 }) });
  if (!checked.ok) return reportError(ctx, checked.error);
  const { report, healthy, lines } = checked.value;
  if (deps.options.json) {
    ctx.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return healthy ? ExitCode.ok : ExitCode.failure;
  }
  const mark = { ok: c.green('✓'), failed: c.red('✗'), absent: c.yellow('-') };
  for (const line of lines) {
    ctx.stdout.write(`${mark[line.state]} ${line.text}\n`);
    if (line.fix) ctx.stdout.write(`  fix: ${line.fix}\n`);
  }
  return healthy ? ExitCode.ok : ExitCode.failure;
}
