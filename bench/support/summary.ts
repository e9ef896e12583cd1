import type { MachineInfo } from './machine.ts';
import { describeMachine } from './machine.ts';
import type { Metric, ScenarioResult } from './report.ts';

/** A scenario's outcome as the JSON report stores it. */
export interface ScenarioOutcome {
  readonly name: string;
  readonly title: string;
  readonly iterations: number;
  readonly durationMs: number;
  readonly result?: ScenarioResult;
  readonly error?: string;
}

/** The JSON report: everything needed to compare two runs. */
export interface BenchReport {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly command: string;
  readonly machine: MachineInfo;
  readonly scenarios: readonly ScenarioOutcome[];
}

function format(value: number, unit: Metric['unit']): string {
  if (!Number.isFinite(value)) return 'n/a';
  switch (unit) {
    case 'ms':
      return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : value >= 100 ? `${Math.round(value)} ms` : `${value.toFixed(1)} ms`;
    case 's':
      return `${value.toFixed(1)} s`;
    case 'MB':
      return `${value.toFixed(1)} MB`;
    case '%':
      return `${value.toFixed(2)} %`;
    case 'bytes':
      return value >= 1e6 ? `${(value / 1e6).toFixed(1)} MB` : value >= 1e3 ? `${(value / 1e3).toFixed(1)} kB` : `${value} B`;
    case 'count':
      return Number.isInteger(value) ? String(value) : value.toFixed(1);
  }
}

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

/** The readable summary printed on stdout. */
export function renderSummary(report: BenchReport, file: string): string {
  const lines: string[] = [];
  lines.push(`devloop benchmarks · ${report.startedAt}`);
  lines.push(`machine: ${describeMachine(report.machine)}`);
  for (const s of report.scenarios) {
    lines.push('');
    lines.push(
      `■ ${s.name} — ${s.title} (${s.iterations} iteration${s.iterations === 1 ? '' : 's'}, ${(s.durationMs / 1000).toFixed(0)} s)`,
    );
    if (s.error) {
      lines.push(`  FAILED: ${s.error}`);
      continue;
    }
    if (!s.result) continue;
    const width = Math.max(28, ...s.result.metrics.map((m) => m.name.length + 2));
    lines.push(`  ${pad('', width)}${['median', 'min', 'p25', 'p75', 'max'].map((h) => pad(h, 10, true)).join('')}   n  target`);
    for (const m of s.result.metrics) {
      const sm = m.summary;
      const cells = sm
        ? [sm.median, sm.min, sm.p25, sm.p75, sm.max].map((v) => pad(format(v, m.unit), 10, true)).join('')
        : pad('n/a', 50, true);
      const target = m.target === undefined || !sm ? '' : `  ≤ ${format(m.target, m.unit)} ${sm.median <= m.target ? 'met' : 'MISSED'}`;
      lines.push(`  ${pad(m.name, width)}${cells}${pad(String(sm?.n ?? 0), 4, true)}${target}${m.note ? `  (${m.note})` : ''}`);
    }
    for (const [key, value] of Object.entries(s.result.facts)) lines.push(`  ${key}: ${value}`);
    for (const note of s.result.notes) lines.push(`  · ${note}`);
  }
  lines.push('');
  lines.push(`report: ${file}`);
  return lines.join('\n');
}
