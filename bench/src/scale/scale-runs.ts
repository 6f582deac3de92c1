// What the scale sections share: a dev cluster of a given size for the length of a callback, and one child run.
import { type DevCluster, defaultServerChoice, ensureServer, startCluster } from '@keyslot/dev-cluster';
import type { ClusterAddresses } from '../clients/driver.js';
import { CLIENT_LABELS, type ClientName, OTEL_CLIENTS } from '../names.js';
import type { BenchOptions } from '../options.js';
import { fmtMs, fmtOps } from '../report.js';
import { runChild } from '../spawn.js';
import type { CallersResult, CallersTask, RefreshCostResult, RefreshCostTask } from './scale-child.js';
import type { ScaleContext } from './scale-section.js';

/** keyslot and the peers, without the otel variants (they measure instrumentation, not scale). */
export function scaleClients(options: BenchOptions): ClientName[] {
  return options.clients.filter((client) => !OTEL_CLIENTS.includes(client));
}

/**
 * Runs `work` against a cluster of `primaries` primaries with one replica each, stopped afterwards. The node timeout
 * is long: 60 server processes share 2 cores under load, and a late cluster-bus ping must not start a failover.
 */
export async function withCluster<T>(
  options: BenchOptions,
  primaries: number,
  work: (addresses: ClusterAddresses, cluster: DevCluster) => Promise<T>,
): Promise<T> {
  const server = await ensureServer(options.server ?? defaultServerChoice());
  const cluster = await startCluster({
    primaries,
    replicasPerPrimary: 1,
    server: server.name,
    nodeTimeoutMs: 15_000,
    readyTimeoutMs: 180_000,
  });
  try {
    return await work(
      { seeds: cluster.seeds, primaries: cluster.primaries.map((node) => node.address) },
      cluster,
    );
  } finally {
    await cluster.stop();
  }
}

/** One `callers` run in a child of its own, with a progress line. */
export async function callersRun(
  context: ScaleContext,
  task: Omit<CallersTask, 'kind'>,
  label: string,
  extraExecArgv: string[] = [],
): Promise<CallersResult> {
  const result = await runChild<CallersResult>(
    'scale/scale-child.ts',
    { kind: 'callers', ...task },
    task.warmupMs + task.durationMs + 90_000,
    ['--expose-gc', ...extraExecArgv],
  );
  context.progress(
    `  ${label.padEnd(28)} ${CLIENT_LABELS[task.client].padEnd(16)} ${fmtOps(result.opsPerSec).padStart(6)} ops/s  ${result.cpuUsPerOp.toFixed(2)} µs CPU/cmd (${result.systemUsPerOp.toFixed(2)} system)  p50 ${fmtMs(result.p50Ms)}  p99 ${fmtMs(result.p99Ms)} ms${result.errors ? `  ${result.errors} errors` : ''}`,
  );
  return result;
}

export function refreshCostRun(
  task: Omit<RefreshCostTask, 'kind'>,
  extraExecArgv: string[] = [],
): Promise<RefreshCostResult> {
  return runChild<RefreshCostResult>(
    'scale/scale-child.ts',
    { kind: 'refresh-cost', ...task },
    120_000,
    extraExecArgv,
  );
}

/** A Markdown table: the first `textColumns` columns left-aligned, the figures after them right-aligned. */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  textColumns = 1,
): string {
  const align = header.map((_, i) => (i < textColumns ? '---' : '---:'));
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(align), ...rows.map(line)].join('\n');
}

/** `a / b` as `1.23×`, or `n/a`. */
export function ratio(a: number, b: number): string {
  const value = a / b;
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : 'n/a';
}
