import * as os from 'node:os';
import { succeeded } from '../../src/system/process-runner.ts';
import { benchRunner, repoRoot } from './test-env.ts';

/** The machine and versions a report was measured on. */
export interface MachineInfo {
  readonly cores: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly kernel: string;
  readonly platform: string;
  readonly node: string;
  readonly docker: string | undefined;
  readonly kubernetes: string | undefined;
  readonly gitCommit: string | undefined;
  readonly gitDirty: boolean | undefined;
}

async function output(command: string, args: readonly string[]): Promise<string | undefined> {
  const result = await benchRunner.run(command, args, { cwd: repoRoot, timeoutMs: 20_000 });
  return succeeded(result) ? result.stdout.trim() : undefined;
}

/** Cores, memory, kernel, Node, Docker and Kubernetes versions, and the commit measured. */
export async function machineInfo(): Promise<MachineInfo> {
  const cpus = os.cpus();
  const kube = await output('kubectl', ['version', '-o', 'json']);
  let kubernetes: string | undefined;
  try {
    kubernetes = kube ? (JSON.parse(kube) as { serverVersion?: { gitVersion?: string } }).serverVersion?.gitVersion : undefined;
  } catch {
    kubernetes = undefined;
  }
  const status = await output('git', ['status', '--porcelain', '--', 'src']);
  return {
    cores: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    kernel: os.release(),
    platform: `${os.type()} ${os.arch()}`,
    node: process.version,
    docker: await output('docker', ['version', '--format', '{{.Server.Version}}']),
    kubernetes,
    gitCommit: await output('git', ['rev-parse', '--short', 'HEAD']),
    gitDirty: status === undefined ? undefined : status.length > 0,
  };
}

/** One line for the summary. */
export function describeMachine(m: MachineInfo): string {
  return [
    `${m.cores} cores (${m.cpuModel})`,
    `${m.memoryGiB} GiB`,
    `${m.platform}, kernel ${m.kernel}`,
    `Node ${m.node}`,
    `Docker ${m.docker ?? 'n/a'}`,
    `Kubernetes ${m.kubernetes ?? 'n/a'}`,
    `devloop ${m.gitCommit ?? '?'}${m.gitDirty ? ' (src modified)' : ''}`,
  ].join(', ');
}
