import type { CliContext } from '../../cli/cli-context.ts';
import type { Origin } from '../../config/layers.ts';
import type { ResolvedConfig } from '../../config/resolved-config.ts';
import { ExitCode } from '../../core/exit-code.ts';
import { teardown } from '../../k8s/inventory.ts';
import { formatKubeError, type KubeClient } from '../../k8s/kube-client.ts';
import { describeRef } from '../../k8s/kube-types.ts';
import { openConfiguredContext } from '../../onboard/configured-context.ts';
import { printDiagnostics } from '../../report/diagnostic-printer.ts';
import { dnsLookup } from '../../system/host-lookup.ts';
import { targetOrSandbox } from '../sandbox-target.ts';

export interface RunDownOptions {
  readonly config: ResolvedConfig;
  /** Where each value came from: a context named outright is never replaced by the sandbox's. */
  readonly origins?: ReadonlyMap<string, Origin>;
  /** A client for tests; by default one for the configured context. */
  readonly client?: KubeClient;
}

/**
 * `devloop down`: under the same local-context rule as `up`, deletes what
 * devloop applied for this project and nothing else (see `k8s/inventory.ts`
 * for how that is recorded), and says what it deleted, what was already gone
 * and what it left alone.
 */
export async function runDown(cli: CliContext, options: RunDownOptions): Promise<ExitCode> {
  let { config } = options;
  let ctx = cli;
  let client = options.client;
  if (!client) {
    const target = await targetOrSandbox(cli, config, options.origins ?? new Map());
    ({ ctx, config } = target);
    if (target.notice) ctx.stderr.write(`${target.notice}\n`);
    // The same rule as `up` and `ci`, before any request: a refused context never sees a DELETE.
    const opened = await openConfiguredContext({ fs: ctx.fs, env: ctx.env, lookup: dnsLookup() }, config);
    if (!opened.ok) {
      printDiagnostics(ctx.stderr, [opened.error], { color: ctx.color, cwd: ctx.cwd });
      return ExitCode.usage;
    }
    client = opened.value.client;
  }
  const result = await teardown(client, { rootDir: config.rootDir, namespace: config.cluster.namespace });
  if (!result.ok) {
    ctx.stderr.write(`devloop down: ${formatKubeError(result.error)}\n`);
    return ExitCode.failure;
  }
  const r = result.value;
  for (const ref of r.deleted) ctx.stdout.write(`deleted ${describeRef(ref)}\n`);
  for (const ref of r.skipped) ctx.stdout.write(`left ${describeRef(ref)}: no longer managed by this project\n`);
  for (const f of r.failed) ctx.stderr.write(`could not delete ${describeRef(f.ref)}: ${formatKubeError(f.error)}\n`);
  if (r.deleted.length === 0 && r.failed.length === 0) ctx.stdout.write('nothing to delete: devloop applied nothing for this project\n');
  else ctx.stdout.write(`${r.deleted.length} deleted, ${r.alreadyGone.length} already gone, ${r.skipped.length} left alone\n`);
  return r.failed.length > 0 ? ExitCode.failure : ExitCode.ok;
}
