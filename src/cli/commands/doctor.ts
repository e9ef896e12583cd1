import * as path from 'node:path';
import { engineSocket } from '../../build/engine-socket.ts';
import { loadConfig } from '../../config/load-config.ts';
import type { ResolvedConfig } from '../../config/resolved-config.ts';
import { ExitCode } from '../../core/exit-code.ts';
import { redactText } from '../../core/redact.ts';
import { FetchRegistryClient } from '../../deliver/registry-client.ts';
import { runDoctorChecks } from '../../onboard/doctor.ts';
import type { DoctorProbes, DoctorTarget } from '../../onboard/doctor-check.ts';
import { buildModuleLinter } from '../../onboard/doctor-lint.ts';
import { EnvRunner } from '../../onboard/env-runner.ts';
import { kubeConnector, readKubeContexts } from '../../onboard/kube-connect.ts';
import { colors } from '../../report/colors.ts';
import { dnsLookup } from '../../system/host-lookup.ts';
import type { CliContext, GlobalOptions } from '../cli-context.ts';
import { loadOptions } from '../load-command-config.ts';
import { watchSetup } from '../watch-setup.ts';

export interface DoctorOptions extends GlobalOptions {
  readonly json?: boolean;
}

/**
 * `devloop doctor`: one line per check, ✓ or ✗ with the fix; `--json` gives
 * `{"checks":[{"id","ok","detail","fix"}]}`. Exits 1 when a check fails.
 * A missing or broken devloop.config.ts does not stop it: the defaults are checked.
 */
export async function runDoctor(ctx: CliContext, options: DoctorOptions, probes?: Partial<DoctorProbes>): Promise<ExitCode> {
  const target = await doctorTarget(ctx, options);
  const lookup = probes?.lookup ?? dnsLookup();
  const checked = await runDoctorChecks(
    {
      runner: new EnvRunner({ inner: ctx.runner, env: ctx.env, cwd: ctx.cwd }),
      fs: ctx.fs,
      nodeVersion: process.version,
      lookup,
      registryClient: new FetchRegistryClient({ timeoutMs: 3000 }),
      kubeContexts: () => readKubeContexts(ctx.fs, ctx.env),
      connect: kubeConnector(ctx.fs, ctx.env, { allowContexts: target.allowContexts, lookup }),
      lint: buildModuleLinter(ctx.fs, (file) => path.relative(ctx.cwd, file) || file),
      engineSocket: () => engineSocket({ fs: ctx.fs, env: ctx.env }),
      ...probes,
    },
    target,
  );
  // A kubeconfig server URL may carry credentials (https://user:pass@host).
  const checks = checked.map((check) => ({ ...check, detail: redactText(check.detail), fix: check.fix && redactText(check.fix) }));
  const failed = checks.filter((check) => !check.ok).length;
  if (options.json) {
    ctx.stdout.write(
      `${JSON.stringify({ checks: checks.map(({ id, ok, detail, fix }) => ({ id, ok, detail, fix: fix ?? null })) }, null, 2)}\n`,
    );
    return failed ? ExitCode.failure : ExitCode.ok;
  }
  const c = colors(ctx.color);
  const width = Math.max(...checks.map((check) => check.id.length));
  for (const check of checks) {
    ctx.stdout.write(`${check.ok ? c.green('✓') : c.red('✗')} ${check.id.padEnd(width)}  ${check.detail}\n`);
    if (check.fix && !check.ok) ctx.stdout.write(`  ${' '.repeat(width)}  ${c.yellow('fix:')} ${check.fix}\n`);
    else if (check.fix) ctx.stdout.write(`  ${' '.repeat(width)}  ${c.dim(`tip: ${check.fix}`)}\n`);
  }
  ctx.stdout.write(failed ? `\n${failed} of ${checks.length} checks failed\n` : `\nall ${checks.length} checks passed\n`);
  return failed ? ExitCode.failure : ExitCode.ok;
}

async function doctorTarget(ctx: CliContext, options: DoctorOptions): Promise<DoctorTarget> {
  const loaded = await loadConfig(
    loadOptions(ctx, { ...(options.config ? { config: options.config } : {}), ...(options.context ? { context: options.context } : {}) }),
  );
  const config: ResolvedConfig | undefined = loaded.ok ? loaded.value.config : undefined;
  const configNote = loaded.ok
    ? undefined
    : loaded.error[0]?.code === 'config-not-found'
      ? 'no devloop.config.ts (run devloop init)'
      : 'devloop.config.ts has errors (run devloop config)';
  return {
    context: options.context ?? ctx.env.DEVLOOP_CONTEXT ?? config?.cluster.context,
    allowContexts: config?.cluster.allowContexts ?? [],
    cluster: config?.cluster.k3d.name ?? 'dev',
    registry: config?.cluster.k3d.registry,
    images: Object.values(config?.images ?? {}).map((image) => ({
      name: image.name,
      dockerfile: image.dockerfile,
      context: image.context,
    })),
    configNote,
    ...(config ? { watch: await watchSetup(ctx.fs, config) } : {}),
  };
}
