import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { burst } from './scenarios/burst.ts';
import { delivery } from './scenarios/delivery.ts';
import { editToReady } from './scenarios/edit-to-ready.ts';
import { liveUpdate } from './scenarios/live-update.ts';
import { noOp } from './scenarios/no-op.ts';
import { peers } from './scenarios/peers.ts';
import { restart } from './scenarios/restart.ts';
import { scale } from './scenarios/scale.ts';
import { machineInfo } from './support/machine.ts';
import type { Scenario } from './support/report.ts';
import { type BenchReport, renderSummary, type ScenarioOutcome } from './support/summary.ts';
import { openEnvironment, repoRoot } from './support/test-env.ts';

const scenarios: readonly Scenario[] = [editToReady, noOp, restart, scale, delivery, burst, liveUpdate, peers];

const usage = `usage: npm run bench -- [scenario…] [--iterations N] [--idle-seconds S] [--list]

Runs devloop's benchmarks on the test environment (scripts/test-env) and writes
bench/results/<timestamp>.json plus a summary on stdout. Scenarios (default: all but those run only when named):
${scenarios.map((s) => `  ${s.name.padEnd(14)} ${s.title} (default ${s.defaultIterations} iterations${s.onlyWhenNamed ? ', only when named' : ''})`).join('\n')}`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      iterations: { type: 'string', short: 'n' },
      'idle-seconds': { type: 'string' },
      list: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || values.list) {
    console.log(usage);
    return 0;
  }
  const unknown = positionals.filter((p) => !scenarios.some((s) => s.name === p));
  if (unknown.length) {
    console.error(`unknown scenario ${unknown.join(', ')}\n\n${usage}`);
    return 2;
  }
  const iterations = values.iterations === undefined ? undefined : Number(values.iterations);
  if (iterations !== undefined && !(Number.isInteger(iterations) && iterations > 0)) {
    console.error('--iterations must be a positive integer');
    return 2;
  }
  const idleSeconds = values['idle-seconds'] === undefined ? 60 : Number(values['idle-seconds']);
  if (!(idleSeconds > 0)) {
    console.error('--idle-seconds must be a positive number');
    return 2;
  }
  const named = positionals.length ? scenarios.filter((s) => positionals.includes(s.name)) : scenarios.filter((s) => !s.onlyWhenNamed);
  const selected: Scenario[] = [];
  for (const scenario of named) {
    const skip = scenario.skipReason?.();
    if (skip) console.log(`bench: ${scenario.name} skipped: ${skip}`);
    else selected.push(scenario);
  }
  if (selected.length === 0) return 0;
  const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
  const startedAt = new Date();
  // Plan-only scenarios need neither the cluster nor the registry (scale opens the environment itself for its cluster phase, when it is there).
  if (selected.some((s) => s.needsCluster)) await openEnvironment({ log });
  const machine = await machineInfo();
  const outcomes: ScenarioOutcome[] = [];
  for (const scenario of selected) {
    const n = iterations ?? scenario.defaultIterations;
    log(`${scenario.name}: ${n} iteration${n === 1 ? '' : 's'}`);
    const began = Date.now();
    try {
      const result = await scenario.run({ iterations: n, idleSeconds, log: (line) => log(`${scenario.name}: ${line}`) });
      outcomes.push({ name: scenario.name, title: scenario.title, iterations: n, durationMs: Date.now() - began, result });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log(`${scenario.name} failed: ${error instanceof Error ? (error.stack ?? message) : message}`);
      outcomes.push({ name: scenario.name, title: scenario.title, iterations: n, durationMs: Date.now() - began, error: message });
    }
  }
  const report: BenchReport = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    command: ['npm run bench --', ...process.argv.slice(2)].join(' '),
    machine,
    scenarios: outcomes,
  };
  const dir = path.join(repoRoot, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(renderSummary(report, path.relative(process.cwd(), file)));
  return outcomes.some((o) => o.error) ? 1 : 0;
}

// Chokidar, Kubernetes watches and log streams may keep handles open after the
// loops stopped; the report is written, so exit explicitly.
process.exit(await main());
