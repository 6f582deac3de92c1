// The values section's Markdown: medians over rounds, keyslot and the peers against redis-benchmark.
import { CLIENT_LABELS, type ClientName } from '../names.js';
import type { SizeRound, ValuesFigures } from './values.js';
import type { PhaseFigures, ThroughputResult } from './values-child.js';

/** keyslot's bytes/s over redis-benchmark's, for the same size, depth and command: the target of issue 23. */
export const VALUES_TARGET = 0.8;

type Phase = 'set' | 'get';

export function median(values: readonly number[]): number {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function mb(bytesPerSec: number): string {
  const perSec = bytesPerSec / 2 ** 20;
  return Number.isNaN(perSec) ? '—' : perSec < 10 ? perSec.toFixed(2) : perSec.toFixed(0);
}

function bySize(figures: ValuesFigures): Map<number, SizeRound[]> {
  const sizes = new Map<number, SizeRound[]>();
  for (const round of figures.rounds) {
    const list = sizes.get(round.size.bytes) ?? [];
    list.push(round);
    sizes.set(round.size.bytes, list);
  }
  return sizes;
}

function clientPhase(rounds: SizeRound[], client: ClientName, phase: Phase): PhaseFigures[] {
  return rounds
    .flatMap((round) => round.clients.filter((result: ThroughputResult) => result.client === client))
    .map((result) => result[phase]);
}

function throughputTable(figures: ValuesFigures, clients: ClientName[]): string {
  const header = `| value | in flight | command | redis-benchmark | ${clients.map((c) => CLIENT_LABELS[c]).join(' | ')} | keyslot / redis-benchmark | ≥ ${VALUES_TARGET} |`;
  const rule = `| --- | ---: | --- | ---: | ${clients.map(() => '---:').join(' | ')} | ---: | --- |`;
  const rows: string[] = [];
  for (const rounds of bySize(figures).values()) {
    const size = rounds[0]!.size;
    for (const phase of ['set', 'get'] as const) {
      const reference = median(
        rounds.map(
          (r) => (phase === 'set' ? r.redisBenchmark.setPerSec : r.redisBenchmark.getPerSec) * size.bytes,
        ),
      );
      const cells = clients.map((client) => {
        const bytes = median(clientPhase(rounds, client, phase).map((f) => f.bytesPerSec));
        return `${mb(bytes)} (${(bytes / reference).toFixed(2)}×)`;
      });
      const keyslot = median(clientPhase(rounds, 'keyslot', phase).map((f) => f.bytesPerSec)) / reference;
      rows.push(
        `| ${size.label} | ${size.connections} × ${size.pipeline} | ${phase.toUpperCase()} | ${mb(reference)} | ${cells.join(' | ')} | ${keyslot.toFixed(2)}× | ${keyslot >= VALUES_TARGET ? 'met' : 'missed'} |`,
      );
    }
  }
  return [header, rule, ...rows].join('\n');
}

function costTable(
  figures: ValuesFigures,
  clients: ClientName[],
  cell: (phase: PhaseFigures[]) => string,
): string {
  const header = `| value | command | ${clients.map((c) => CLIENT_LABELS[c]).join(' | ')} |`;
  const rule = `| --- | --- | ${clients.map(() => '---:').join(' | ')} |`;
  const rows: string[] = [];
  for (const rounds of bySize(figures).values()) {
    for (const phase of ['set', 'get'] as const) {
      const cells = clients.map((client) => cell(clientPhase(rounds, client, phase)));
      rows.push(`| ${rounds[0]!.size.label} | ${phase.toUpperCase()} | ${cells.join(' | ')} |`);
    }
  }
  return [header, rule, ...rows].join('\n');
}

function allocationCell(phases: PhaseFigures[]): string {
  const buffers = median(phases.map((f) => f.bufferMbPerMb ?? Number.NaN));
  const heap = median(phases.map((f) => f.heapMbPerMb));
  return `${Number.isNaN(buffers) ? 'n/a' : buffers.toFixed(2)} + ${heap.toFixed(2)}`;
}

function cpuCell(phases: PhaseFigures[]): string {
  const system = median(phases.map((f) => f.systemShare));
  return `${median(phases.map((f) => f.cpuMsPerMb)).toFixed(2)} (${Math.round(system * 100)}% sys)`;
}

function isolationTable(figures: ValuesFigures): string {
  const rows = figures.isolation.map((result) => {
    const ratio = result.withLarge.p99Ms / result.alone.p99Ms;
    const loop = result.loopDelayP99Ms;
    const gc = result.gcPauses;
    return `| ${CLIENT_LABELS[result.client]} | ${result.alone.p50Ms.toFixed(3)} / ${result.alone.p99Ms.toFixed(3)} | ${result.withLarge.p50Ms.toFixed(3)} / ${result.withLarge.p99Ms.toFixed(3)} | ${ratio.toFixed(2)}× | ${loop.alone.toFixed(2)} / ${loop.withLarge.toFixed(2)} | ${gc.alone.msPerSec.toFixed(1)} / ${gc.withLarge.msPerSec.toFixed(1)} | ${gc.alone.longestMs.toFixed(1)} / ${gc.withLarge.longestMs.toFixed(1)} | ${mb(result.withLarge.largeBytesPerSec)} |`;
  });
  return [
    '| client | small GETs on A alone: p50 / p99 ms | with 1 MB GETs on B: p50 / p99 ms | p99 with / alone | event-loop delay p99 ms, alone / with | GC pause ms/s, alone / with | longest GC pause ms, alone / with | 1 MB GETs on B, MB/s |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
}

export function valuesMarkdown(figures: ValuesFigures, clients: ClientName[]): string {
  const commands = [...new Set(figures.rounds.map((r) => r.redisBenchmark.command))];
  const parts = [
    `Throughput in MB/s of values (medians over ${Math.max(...figures.rounds.map((r) => r.round), 0)} round(s)), each client's ratio to redis-benchmark in parentheses; "in flight" is redis-benchmark's connections × pipeline, and the number of concurrent callers of each client:`,
    '',
    throughputTable(figures, clients),
    '',
    'Allocated per MB of values moved, in MB: Buffers made from JavaScript + V8 heap (glide: its native core is not seen):',
    '',
    costTable(figures, clients, allocationCell),
    '',
    "Client CPU (user + system) per MB of values moved, in ms, and the kernel's share of it:",
    '',
    costTable(figures, clients, cpuCell),
    '',
    'A 1 MB reply on one primary against small replies from another: 16-byte GETs on primary A, alone, then while 1 MB GETs run on primary B, on the same client:',
    '',
    isolationTable(figures),
    '',
    'redis-benchmark command lines (`-h`/`-p` of a primary omitted):',
    '',
    ...commands.map((command) => `- \`${command}\``),
  ];
  if (figures.failures.length > 0)
    parts.push('', 'Failed runs:', '', ...figures.failures.map((f) => `- ${f}`));
  return parts.join('\n');
}
