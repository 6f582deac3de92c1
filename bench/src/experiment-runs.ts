// `npm run bench -- --only experiments`: I/O counts per client, and keyslot with a prototype flush policy against
// keyslot as it is, alternating. Not part of the default run.
import type { ChildResult, ChildTask } from './child.js';
import type { ClusterAddresses } from './clients/driver.js';
import type { ExperimentName } from './experiments.js';
import { rotate } from './http.js';
import { CLIENT_LABELS, type ClientName, type ScenarioName } from './names.js';
import { fmtMs, fmtOps, median } from './report.js';
import { runScenarioChild } from './spawn.js';

export interface IoRow {
  client: ClientName;
  scenario: ScenarioName;
  opsPerSec: number;
  writesPerOp: number;
  readsPerOp: number;
}

export interface VariantRow {
  scenario: ScenarioName;
  variant: string;
  rounds: number;
  opsPerSec: number;
  cpuUsPerOp: number;
  p50Ms: number;
  p99Ms: number;
}

export interface ExperimentReport {
  io: IoRow[];
  flushImmediate: VariantRow[];
}

const IO_SCENARIOS: readonly ScenarioName[] = [
  'sequential',
  'concurrent-100',
  'concurrent-1000',
  'promise-all-1000',
];
const VARIANT_SCENARIOS: readonly ScenarioName[] = [
  'sequential',
  'concurrent-100',
  'concurrent-1000',
  'promise-all-1000',
  'batch-1000',
];

export async function runExperiments(
  cluster: ClusterAddresses,
  clients: readonly ClientName[],
  rounds: number,
  warmupMs: number,
  durationMs: number,
): Promise<ExperimentReport> {
  const run = (client: ClientName, scenario: ScenarioName, experiments: ExperimentName[]) => {
    const task: ChildTask = {
      kind: 'scenario',
      client,
      scenario,
      cluster,
      warmupMs,
      durationMs,
      experiments,
    };
    return runScenarioChild(task);
  };

  const io: IoRow[] = [];
  for (const scenario of IO_SCENARIOS) {
    for (const client of clients.filter((c) => c !== 'glide')) {
      const result = await run(client, scenario, ['count-io']);
      io.push({
        client,
        scenario,
        opsPerSec: result.opsPerSec,
        writesPerOp: result.writesPerOp ?? Number.NaN,
        readsPerOp: result.readsPerOp ?? Number.NaN,
      });
      console.log(
        `  io ${scenario.padEnd(16)} ${CLIENT_LABELS[client].padEnd(16)} ${(1 / (result.writesPerOp ?? Number.NaN)).toFixed(1)} commands/write, ${(1 / (result.readsPerOp ?? Number.NaN)).toFixed(1)} replies/read`,
      );
    }
  }

  const variants: { name: string; experiments: ExperimentName[] }[] = [
    { name: 'keyslot (nextTick flush, as is)', experiments: [] },
    { name: 'keyslot + setImmediate flush (prototype)', experiments: ['flush-immediate'] },
  ];
  const raw: (ChildResult & { variant: string })[] = [];
  for (let round = 1; round <= rounds; round++) {
    for (const scenario of VARIANT_SCENARIOS) {
      for (const variant of rotate(variants, round - 1)) {
        const result = await run('keyslot', scenario, variant.experiments);
        raw.push({ ...result, variant: variant.name });
        console.log(
          `  round ${round} ${scenario.padEnd(16)} ${variant.name.padEnd(42)} ${Math.round(result.opsPerSec)
            .toString()
            .padStart(
              8,
            )} ops/s  ${result.cpuUsPerOp.toFixed(2)} µs CPU/op  p50 ${result.p50Ms.toFixed(3)} ms`,
        );
      }
    }
  }
  const flushImmediate: VariantRow[] = [];
  for (const scenario of VARIANT_SCENARIOS) {
    for (const variant of variants) {
      const group = raw.filter((r) => r.scenario === scenario && r.variant === variant.name);
      if (group.length === 0) continue;
      flushImmediate.push({
        scenario,
        variant: variant.name,
        rounds: group.length,
        opsPerSec: median(group.map((r) => r.opsPerSec)),
        cpuUsPerOp: median(group.map((r) => r.cpuUsPerOp)),
        p50Ms: median(group.map((r) => r.p50Ms)),
        p99Ms: median(group.map((r) => r.p99Ms)),
      });
    }
  }
  return { io, flushImmediate };
}

export function experimentTables(report: ExperimentReport): string {
  const lines = [
    'Commands per socket write and replies per socket read (measured window; glide is left out: its I/O is in Rust):',
    '',
    '| scenario | client | ops/s | commands per write | replies per read |',
    '| --- | --- | ---: | ---: | ---: |',
  ];
  for (const row of report.io) {
    lines.push(
      `| ${row.scenario} | ${CLIENT_LABELS[row.client]} | ${fmtOps(row.opsPerSec)} | ${(1 / row.writesPerOp).toFixed(1)} | ${(1 / row.readsPerOp).toFixed(1)} |`,
    );
  }
  lines.push(
    '',
    'keyslot flush scheduling (medians over rounds):',
    '',
    '| scenario | variant | ops/s | CPU µs/op | p50 ms | p99 ms |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
  );
  for (const row of report.flushImmediate) {
    lines.push(
      `| ${row.scenario} | ${row.variant} | ${fmtOps(row.opsPerSec)} | ${row.cpuUsPerOp.toFixed(2)} | ${fmtMs(row.p50Ms)} | ${fmtMs(row.p99Ms)} |`,
    );
  }
  return lines.join('\n');
}
