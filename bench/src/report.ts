// Turns the raw runs into medians per client and scenario, keyslot's ratios to the best peer, the targets, and
// Markdown tables (printed, and pasted into bench/README.md).
import type { ChildResult } from './child.js';
import {
  CLIENT_LABELS,
  type ClientName,
  KEYSLOT_CLIENTS,
  OTEL_CLIENTS,
  SCENARIOS,
  type ScenarioName,
} from './names.js';

export interface Run extends ChildResult {
  round: number;
}

export interface FailedRun {
  round: number;
  client: ClientName;
  scenario: ScenarioName;
  error: string;
}

export interface Summary {
  client: ClientName;
  scenario: ScenarioName;
  rounds: number;
  opsPerSec: number;
  opsPerSecMin: number;
  opsPerSecMax: number;
  p50Ms: number;
  p99Ms: number;
  cpuUsPerOp: number;
  peakRssMb: number;
  errors: number;
}

export interface Ratio {
  scenario: ScenarioName;
  keyslotOpsPerSec: number;
  bestPeer: ClientName;
  bestPeerOpsPerSec: number;
  /** keyslot ops/s ÷ best peer ops/s. */
  throughput: number;
  /** keyslot CPU µs/op ÷ best peer CPU µs/op. */
  cpu: number;
  /** keyslot p50 ÷ best peer p50. */
  p50: number;
}

export interface Target {
  scenario: ScenarioName;
  goal: string;
  actual: string;
  met: boolean;
}

export function median(values: readonly number[]): number {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function summarize(runs: readonly Run[]): Summary[] {
  const groups = new Map<string, Run[]>();
  for (const run of runs) {
    const key = `${run.scenario}\u0000${run.client}`;
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  const out: Summary[] = [];
  for (const group of groups.values()) {
    const first = group[0]!;
    const ops = group.map((r) => r.opsPerSec);
    out.push({
      client: first.client,
      scenario: first.scenario,
      rounds: group.length,
      opsPerSec: median(ops),
      opsPerSecMin: Math.min(...ops),
      opsPerSecMax: Math.max(...ops),
      p50Ms: median(group.map((r) => r.p50Ms)),
      p99Ms: median(group.map((r) => r.p99Ms)),
      cpuUsPerOp: median(group.map((r) => r.cpuUsPerOp)),
      peakRssMb: Math.max(...group.map((r) => r.peakRssMb)),
      errors: group.reduce((sum, r) => sum + r.errors, 0),
    });
  }
  return out;
}

function find(summaries: readonly Summary[], scenario: ScenarioName, client: ClientName) {
  return summaries.find((s) => s.scenario === scenario && s.client === client);
}

export function ratios(summaries: readonly Summary[]): Ratio[] {
  const out: Ratio[] = [];
  for (const { name } of SCENARIOS) {
    const keyslot = find(summaries, name, 'keyslot');
    const peers = summaries.filter((s) => s.scenario === name && !KEYSLOT_CLIENTS.includes(s.client));
    if (!keyslot || peers.length === 0) continue;
    const best = peers.reduce((a, b) => (b.opsPerSec > a.opsPerSec ? b : a));
    out.push({
      scenario: name,
      keyslotOpsPerSec: keyslot.opsPerSec,
      bestPeer: best.client,
      bestPeerOpsPerSec: best.opsPerSec,
      throughput: keyslot.opsPerSec / best.opsPerSec,
      cpu: keyslot.cpuUsPerOp / best.cpuUsPerOp,
      p50: keyslot.p50Ms / best.p50Ms,
    });
  }
  return out;
}

const x = (value: number) => `${value.toFixed(2)}×`;

/** The project's goals (see bench/README.md), checked against this run. */
export function targets(summaries: readonly Summary[], ratioList: readonly Ratio[]): Target[] {
  const out: Target[] = [];
  for (const ratio of ratioList) {
    const peer = CLIENT_LABELS[ratio.bestPeer];
    if (ratio.scenario === 'concurrent-100' || ratio.scenario === 'concurrent-1000') {
      out.push({
        scenario: ratio.scenario,
        goal: `≥ 2× best peer's ops/s at ≤ 0.4× its CPU/op`,
        actual: `${x(ratio.throughput)} ${peer}'s ops/s at ${x(ratio.cpu)} its CPU/op`,
        met: ratio.throughput >= 2 && ratio.cpu <= 0.4,
      });
    } else if (ratio.scenario === 'promise-all-1000') {
      out.push({
        scenario: ratio.scenario,
        goal: `≥ 2× best peer's ops/s`,
        actual: `${x(ratio.throughput)} ${peer}'s ops/s`,
        met: ratio.throughput >= 2,
      });
    }
  }
  const batch = find(summaries, 'batch-1000', 'keyslot');
  const nodeRedisBatch = find(summaries, 'batch-1000', 'node-redis');
  if (batch && nodeRedisBatch) {
    const r = batch.opsPerSec / nodeRedisBatch.opsPerSec;
    out.push({
      scenario: 'batch-1000',
      goal: '≥ 1.3× node-redis ops/s',
      actual: `${x(r)} node-redis's ops/s`,
      met: r >= 1.3,
    });
  }
  const sequential = find(summaries, 'sequential', 'keyslot');
  const ioredis = find(summaries, 'sequential', 'ioredis');
  if (sequential && ioredis) {
    out.push({
      scenario: 'sequential',
      goal: 'p50 no worse than plain ioredis',
      actual: `p50 ${fmtMs(sequential.p50Ms)} vs ${fmtMs(ioredis.p50Ms)} ms (${x(sequential.p50Ms / ioredis.p50Ms)})`,
      met: sequential.p50Ms <= ioredis.p50Ms,
    });
  }
  const order = SCENARIOS.map((s) => s.name);
  return out.sort((a, b) => order.indexOf(a.scenario) - order.indexOf(b.scenario));
}

export function fmtOps(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (value >= 10_000) return `${(value / 1000).toFixed(0)}k`;
  if (value >= 1_000) return `${(value / 1000).toFixed(1)}k`;
  return value.toFixed(0);
}

export function fmtMs(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  if (value >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

function fmtNumber(value: number, digits = 1): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

export function scenarioTables(summaries: readonly Summary[], clients: readonly ClientName[]): string {
  const lines: string[] = [];
  for (const scenario of SCENARIOS) {
    const rows = clients
      .map((client) => find(summaries, scenario.name, client))
      .filter((s): s is Summary => s !== undefined);
    if (rows.length === 0) continue;
    const unit = scenario.latencyOf === 'command' ? 'per command' : 'per 1,000-command round trip';
    lines.push(`### ${scenario.title} (\`${scenario.name}\`; latency ${unit})`, '');
    lines.push(
      '| client | ops/s (median) | range over rounds | p50 ms | p99 ms | CPU µs/op | peak RSS MB | errors |',
    );
    lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const row of rows) {
      lines.push(
        `| ${CLIENT_LABELS[row.client]} | ${fmtOps(row.opsPerSec)} | ${fmtOps(row.opsPerSecMin)}–${fmtOps(row.opsPerSecMax)} | ${fmtMs(row.p50Ms)} | ${fmtMs(row.p99Ms)} | ${fmtNumber(row.cpuUsPerOp)} | ${fmtNumber(row.peakRssMb, 0)} | ${row.errors} |`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}

export function overviewTable(summaries: readonly Summary[], clients: readonly ClientName[]): string {
  const lines = [
    `| scenario | ${clients.map((c) => CLIENT_LABELS[c]).join(' | ')} |`,
    `| --- | ${clients.map(() => '---:').join(' | ')} |`,
  ];
  for (const scenario of SCENARIOS) {
    const cells = clients.map((client) => {
      const s = find(summaries, scenario.name, client);
      return s ? `${fmtOps(s.opsPerSec)} (${fmtNumber(s.cpuUsPerOp)})` : '';
    });
    if (cells.every((cell) => cell === '')) continue;
    lines.push(`| ${scenario.title} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

export function ratioTable(ratioList: readonly Ratio[], targetList: readonly Target[]): string {
  const lines = [
    '| scenario | keyslot ops/s | best peer | its ops/s | throughput ratio | CPU/op ratio | p50 ratio |',
    '| --- | ---: | --- | ---: | ---: | ---: | ---: |',
  ];
  for (const r of ratioList) {
    const title = SCENARIOS.find((s) => s.name === r.scenario)!.title;
    lines.push(
      `| ${title} | ${fmtOps(r.keyslotOpsPerSec)} | ${CLIENT_LABELS[r.bestPeer]} | ${fmtOps(r.bestPeerOpsPerSec)} | ${x(r.throughput)} | ${x(r.cpu)} | ${x(r.p50)} |`,
    );
  }
  if (targetList.length > 0) {
    lines.push('', '| scenario | target | this run | met |', '| --- | --- | --- | --- |');
    for (const t of targetList) {
      const title = SCENARIOS.find((s) => s.name === t.scenario)!.title;
      lines.push(`| ${title} | ${t.goal} | ${t.actual} | ${t.met ? 'yes' : 'no'} |`);
    }
  }
  return lines.join('\n');
}

/**
 * What @keyslot/otel costs, per scenario and setup (registered without an SDK, batch processor, simple processor):
 * keyslot with it on against keyslot without, in the same run (a span and a duration measurement per command,
 * batches one span each).
 */
export function instrumentationCostTable(summaries: readonly Summary[]): string | undefined {
  const rows: string[] = [];
  for (const { name } of SCENARIOS) {
    const off = find(summaries, name, 'keyslot');
    if (!off) continue;
    rows.push(
      `| ${name} | ${CLIENT_LABELS.keyslot} | ${fmtOps(off.opsPerSec)} | | ${fmtNumber(off.cpuUsPerOp)} | |`,
    );
    for (const client of OTEL_CLIENTS) {
      const on = find(summaries, name, client);
      if (!on) continue;
      const extraCpu = on.cpuUsPerOp - off.cpuUsPerOp;
      rows.push(
        `| ${name} | ${CLIENT_LABELS[client]} | ${fmtOps(on.opsPerSec)} | ${x(on.opsPerSec / off.opsPerSec)} | ${fmtNumber(on.cpuUsPerOp)} | ${extraCpu >= 0 ? '+' : ''}${fmtNumber(extraCpu)} |`,
      );
    }
  }
  if (!rows.some((row) => OTEL_CLIENTS.some((client) => row.includes(CLIENT_LABELS[client]))))
    return undefined;
  return [
    '| scenario | client | ops/s | ops/s vs keyslot | CPU µs/op | extra CPU µs/op |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
}
