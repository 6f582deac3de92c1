// `npm run bench -- --only bullmq`: BullMQ on keyslot against BullMQ on an ioredis Cluster, each run in a child of
// its own (bullmq-child.ts), alternating over rounds; medians of jobs/s and client CPU per job.
import type { BullmqClientName, BullmqResult, BullmqTask } from './bullmq-child.js';
import type { ClusterAddresses } from './clients/driver.js';
import { runChild } from './spawn.js';

const CLIENTS: readonly BullmqClientName[] = ['keyslot', 'ioredis'];

export interface BullmqSummary {
  client: BullmqClientName;
  addJobsPerSec: number;
  addCpuUsPerJob: number;
  processJobsPerSec: number;
  processCpuUsPerJob: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export async function runBullmq(
  cluster: ClusterAddresses,
  rounds: number,
  warmupMs: number,
  durationMs: number,
): Promise<{ runs: (BullmqResult & { round: number })[]; summary: BullmqSummary[] }> {
  const runs: (BullmqResult & { round: number })[] = [];
  for (let round = 1; round <= rounds; round++) {
    const order = round % 2 === 1 ? CLIENTS : [...CLIENTS].reverse();
    for (const client of order) {
      const task: BullmqTask = { client, cluster, warmupMs, durationMs };
      const result = await runChild<BullmqResult>(
        'bullmq-child.ts',
        task,
        4 * (warmupMs + durationMs) + 120_000,
      );
      runs.push({ round, ...result });
      console.log(
        `  round ${round} bullmq ${client.padEnd(8)} add ${Math.round(result.add.jobsPerSec)} jobs/s (${result.add.cpuUsPerJob.toFixed(0)} µs CPU/job)  process ${Math.round(result.process.jobsPerSec)} jobs/s (${result.process.cpuUsPerJob.toFixed(0)} µs CPU/job)`,
      );
    }
  }
  const summary = CLIENTS.map((client) => {
    const mine = runs.filter((run) => run.client === client);
    return {
      client,
      addJobsPerSec: median(mine.map((run) => run.add.jobsPerSec)),
      addCpuUsPerJob: median(mine.map((run) => run.add.cpuUsPerJob)),
      processJobsPerSec: median(mine.map((run) => run.process.jobsPerSec)),
      processCpuUsPerJob: median(mine.map((run) => run.process.cpuUsPerJob)),
    };
  });
  return { runs, summary };
}

export function bullmqTable(summary: BullmqSummary[]): string {
  const [keyslot, ioredis] = [
    summary.find((s) => s.client === 'keyslot')!,
    summary.find((s) => s.client === 'ioredis')!,
  ];
  const row = (label: string, s: BullmqSummary) =>
    `| ${label} | ${Math.round(s.addJobsPerSec)} (${s.addCpuUsPerJob.toFixed(0)}) | ${Math.round(s.processJobsPerSec)} (${s.processCpuUsPerJob.toFixed(0)}) |`;
  return [
    '| BullMQ 6 on | jobs added/s (client CPU µs per job) | jobs processed/s (client CPU µs per job) |',
    '| --- | ---: | ---: |',
    row('keyslot (`bullmqConnection`)', keyslot),
    row('ioredis `Cluster`', ioredis),
    `| keyslot / ioredis | ${(keyslot.addJobsPerSec / ioredis.addJobsPerSec).toFixed(2)}× at ${(keyslot.addCpuUsPerJob / ioredis.addCpuUsPerJob).toFixed(2)}× CPU | ${(keyslot.processJobsPerSec / ioredis.processJobsPerSec).toFixed(2)}× at ${(keyslot.processCpuUsPerJob / ioredis.processCpuUsPerJob).toFixed(2)}× CPU |`,
  ].join('\n');
}
