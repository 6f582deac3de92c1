// Issue 23, the physical limit: keyslot's 1,000-caller throughput (SET/GET alternating, 16-byte values) as a share
// of what `redis-benchmark --cluster -P 16` gets from the same cluster in the same run: how close a Node.js client
// comes to the servers' own ceiling on this machine.
import type { ChildResult, ChildTask } from '../child.js';
import { CLIENT_LABELS, type ClientName } from '../names.js';
import { runScenarioChild } from '../spawn.js';
import { type RedisBenchmarkResult, runRedisBenchmark } from './redis-benchmark.js';
import type { ScaleContext, ScaleSection, ScaleSectionReport } from './scale-section.js';
import { sectionClients, startSectionCluster } from './section-cluster.js';
import { median } from './values-report.js';

/** keyslot's ops/s over redis-benchmark's SET/GET mix: the target of issue 23. */
export const LIMIT_TARGET = 0.85;

export const LIMIT_BENCHMARK = {
  valueBytes: 16,
  connections: 50,
  pipeline: 16,
  requests: 1_000_000,
  keyspace: 16_384,
} as const;

interface LimitRound {
  round: number;
  redisBenchmark: RedisBenchmarkResult;
  /** Ops/s a 50/50 SET/GET mix gets at redis-benchmark's two rates: 2 / (1/SET + 1/GET). */
  mixPerSec: number;
  clients: ChildResult[];
}

export const limitSection: ScaleSection = {
  name: 'limit',
  async run(context: ScaleContext): Promise<ScaleSectionReport> {
    const { options } = context;
    const clients = sectionClients(options);
    // The cluster of `npm run bench` (3 + 3), where the earlier figures (66-75%) were taken.
    const { cluster, addresses } = await startSectionCluster(options, 1);
    const rounds: LimitRound[] = [];
    const failures: string[] = [];
    try {
      for (let round = 1; round <= options.rounds; round++) {
        const redisBenchmark = await runRedisBenchmark(addresses.primaries[0]!, LIMIT_BENCHMARK);
        const mixPerSec = 2 / (1 / redisBenchmark.setPerSec + 1 / redisBenchmark.getPerSec);
        context.progress(
          `limit round ${round}: redis-benchmark SET ${Math.round(redisBenchmark.setPerSec)}/s GET ${Math.round(redisBenchmark.getPerSec)}/s (mix ${Math.round(mixPerSec)}/s)`,
        );
        const results: ChildResult[] = [];
        for (const client of clients) {
          const task: ChildTask = {
            kind: 'scenario',
            client,
            scenario: 'concurrent-1000',
            cluster: addresses,
            warmupMs: options.warmupMs,
            durationMs: options.durationMs,
          };
          try {
            const result = await runScenarioChild(task);
            results.push(result);
            context.progress(
              `  ${client.padEnd(16)} ${Math.round(result.opsPerSec)} ops/s = ${(result.opsPerSec / mixPerSec).toFixed(2)} of redis-benchmark's mix, ${result.cpuUsPerOp.toFixed(1)} µs CPU/op`,
            );
          } catch (error) {
            failures.push(`round ${round} ${client}: ${(error as Error).message}`);
          }
        }
        rounds.push({ round, redisBenchmark, mixPerSec, clients: results });
      }
    } finally {
      await cluster.stop();
    }
    return { markdown: limitMarkdown(rounds, clients, failures), figures: { rounds, failures } };
  },
};

function limitMarkdown(rounds: LimitRound[], clients: ClientName[], failures: string[]): string {
  const set = median(rounds.map((r) => r.redisBenchmark.setPerSec));
  const get = median(rounds.map((r) => r.redisBenchmark.getPerSec));
  const mix = median(rounds.map((r) => r.mixPerSec));
  const rows = clients.map((client) => {
    const perRound = rounds.map((r) => {
      const result = r.clients.find((c) => c.client === client);
      return result ? result.opsPerSec / r.mixPerSec : Number.NaN;
    });
    const ops = median(
      rounds.map((r) => r.clients.find((c) => c.client === client)?.opsPerSec ?? Number.NaN),
    );
    const cpu = median(
      rounds.map((r) => r.clients.find((c) => c.client === client)?.cpuUsPerOp ?? Number.NaN),
    );
    const share = median(perRound);
    const range = perRound.filter(Number.isFinite).map((s) => s.toFixed(2));
    const target = client === 'keyslot' ? (share >= LIMIT_TARGET ? 'met' : 'missed') : '';
    return `| ${CLIENT_LABELS[client]} | ${Math.round(ops).toLocaleString('en-US')} | ${cpu.toFixed(1)} | ${share.toFixed(2)} | ${range.join(', ')} | ${target} |`;
  });
  const lines = [
    `redis-benchmark (\`${rounds[0]?.redisBenchmark.command ?? ''}\`), medians over ${rounds.length} round(s): SET ${Math.round(set).toLocaleString('en-US')}/s, GET ${Math.round(get).toLocaleString('en-US')}/s, so a 50/50 mix at ${Math.round(mix).toLocaleString('en-US')}/s.`,
    '',
    `| client, 1,000 callers (SET/GET, 16 B) | ops/s | CPU µs/op | share of redis-benchmark's mix | per round | ≥ ${LIMIT_TARGET} (keyslot) |`,
    '| --- | ---: | ---: | ---: | --- | --- |',
    ...rows,
  ];
  if (failures.length > 0) lines.push('', 'Failed runs:', '', ...failures.map((f) => `- ${f}`));
  return lines.join('\n');
}
