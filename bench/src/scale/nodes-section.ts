// Issue 23, item 1: keyslot and the peers with 1,000 callers on clusters of 3, 12 and 30 primaries (one replica
// each), keyslot's socket writes and reads per command at each size, its topology refresh cost (CPU, bytes read)
// and its latency while the topology is refreshed every 100 ms.
import { rotate } from '../http.js';
import { CLIENT_LABELS, type ClientName } from '../names.js';
import { fmtMs, fmtOps, median } from '../report.js';
import { type ProfiledRun, profileKeyslot, profileRefresh, profileTable } from './profile-compare.js';
import type { CallersResult, RefreshCostResult } from './scale-child.js';
import { callersRun, markdownTable, ratio, refreshCostRun, scaleClients, withCluster } from './scale-runs.js';
import type { ScaleContext, ScaleSection, ScaleSectionReport } from './scale-section.js';

const CALLERS = 1000;
/** Refresh every 100 ms under load (`topologyCheckIntervalMs`; the minimum interval between refreshes is 100 too). */
const REFRESH_UNDER_LOAD_MS = 100;
const REFRESHES_COUNTED = 200;
/** keyslot's client CPU per command may grow at most this much from the fewest to the most primaries. */
const CPU_GROWTH_TARGET = 1.25;
/** The p99 while refreshing every 100 ms may be at most this much the p99 without (noise allowance). */
const P99_REFRESH_TARGET = 1.25;

interface NodeCountFigures {
  primaries: number;
  runs: (CallersResult & { round: number })[];
  /** keyslot refreshing its topology every 100 ms, right after its plain run in each round. */
  refreshing: (CallersResult & { round: number })[];
  io: CallersResult | undefined;
  refreshCost: RefreshCostResult | undefined;
  profile: ProfiledRun | undefined;
  /** Markdown: where a refresh's time goes (profiled at the largest size only). */
  refreshProfile: string | undefined;
  failures: string[];
}

interface Row {
  client: ClientName;
  primaries: number;
  opsPerSec: number;
  cpuUsPerOp: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

function summarize(client: ClientName, primaries: number, runs: readonly CallersResult[]): Row | undefined {
  if (runs.length === 0) return undefined;
  return {
    client,
    primaries,
    opsPerSec: median(runs.map((r) => r.opsPerSec)),
    cpuUsPerOp: median(runs.map((r) => r.cpuUsPerOp)),
    p50Ms: median(runs.map((r) => r.p50Ms)),
    p99Ms: median(runs.map((r) => r.p99Ms)),
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
  };
}

async function measureNodeCount(context: ScaleContext, primaries: number): Promise<NodeCountFigures> {
  const { options } = context;
  const figures: NodeCountFigures = {
    primaries,
    runs: [],
    refreshing: [],
    io: undefined,
    refreshCost: undefined,
    profile: undefined,
    refreshProfile: undefined,
    failures: [],
  };
  context.progress(`scale nodes: ${primaries} primaries + ${primaries} replicas`);
  await withCluster(options, primaries, async (cluster) => {
    const timing = { warmupMs: options.warmupMs, durationMs: options.durationMs };
    const attempt = async <T>(label: string, work: () => Promise<T>): Promise<T | undefined> => {
      try {
        return await work();
      } catch (error) {
        figures.failures.push(`${label}: ${(error as Error).message.split('\n')[0]}`);
        context.progress(`  ${label} FAILED: ${(error as Error).message.split('\n')[0]}`);
        return undefined;
      }
    };
    for (let round = 1; round <= options.rounds; round++) {
      for (const client of rotate(scaleClients(options), round - 1 + primaries)) {
        const plan = { callers: CALLERS };
        const label = `round ${round} ${primaries}p`;
        const result = await attempt(`${label} ${client}`, () =>
          callersRun(context, { client, cluster, plan, ...timing }, label),
        );
        if (result) figures.runs.push({ ...result, round });
        if (client !== 'keyslot') continue;
        const refreshing = await attempt(`${label} keyslot refreshing`, () =>
          callersRun(
            context,
            { client, cluster, plan, ...timing, topologyCheckIntervalMs: REFRESH_UNDER_LOAD_MS },
            `${label} refresh/100ms`,
          ),
        );
        if (refreshing) figures.refreshing.push({ ...refreshing, round });
      }
    }
    figures.io = await attempt(`${primaries}p keyslot count-io`, () =>
      callersRun(
        context,
        { client: 'keyslot', cluster, plan: { callers: CALLERS }, ...timing, countIo: true },
        `${primaries}p count-io`,
      ),
    );
    if (options.profile)
      figures.profile = await attempt(`${primaries}p profile`, () =>
        profileKeyslot(context, cluster, primaries, CALLERS),
      );
    figures.refreshCost = await attempt(`${primaries}p refresh cost`, () =>
      refreshCostRun({ cluster, refreshes: REFRESHES_COUNTED }),
    );
    if (options.profile && primaries === Math.max(...options.scalePrimaries))
      figures.refreshProfile = await attempt(`${primaries}p refresh profile`, () =>
        profileRefresh(cluster, primaries, REFRESHES_COUNTED),
      );
  });
  return figures;
}

function report(all: readonly NodeCountFigures[], clients: readonly ClientName[]): string {
  const rows: Row[] = [];
  for (const figures of all)
    for (const client of clients) {
      const row = summarize(
        client,
        figures.primaries,
        figures.runs.filter((r) => r.client === client),
      );
      if (row) rows.push(row);
    }
  const fewest = Math.min(...all.map((f) => f.primaries));
  const most = Math.max(...all.map((f) => f.primaries));
  const base = rows.find((r) => r.client === 'keyslot' && r.primaries === fewest);
  const lines: string[] = [];
  lines.push(
    `${CALLERS.toLocaleString('en-US')} callers (SET/GET, one key per slot), each client in a process of its own; medians over ${Math.max(...all.map((f) => new Set(f.runs.map((r) => r.round)).size))} round(s). Ratios are to keyslot at ${fewest} primaries.`,
    '',
  );
  lines.push(
    markdownTable(
      [
        'client',
        'primaries',
        'ops/s',
        'CPU µs/cmd',
        'p50 ms',
        'p99 ms',
        'ops/s ÷ keyslot',
        'CPU ÷ keyslot',
        'errors',
      ],
      rows.map((r) => [
        CLIENT_LABELS[r.client],
        String(r.primaries),
        fmtOps(r.opsPerSec),
        r.cpuUsPerOp.toFixed(2),
        fmtMs(r.p50Ms),
        fmtMs(r.p99Ms),
        base ? ratio(r.opsPerSec, base.opsPerSec) : 'n/a',
        base ? ratio(r.cpuUsPerOp, base.cpuUsPerOp) : 'n/a',
        String(r.errors),
      ]),
      2,
    ),
  );
  lines.push('', `CPU per command from ${fewest} to ${most} primaries, per client:`, '');
  lines.push(
    markdownTable(
      ['client', `CPU µs/cmd at ${fewest}`, `at ${most}`, 'growth', 'target'],
      clients.map((client) => {
        const low = rows.find((r) => r.client === client && r.primaries === fewest);
        const high = rows.find((r) => r.client === client && r.primaries === most);
        const growth = low && high ? high.cpuUsPerOp / low.cpuUsPerOp : Number.NaN;
        const target =
          client === 'keyslot'
            ? `≤ ${CPU_GROWTH_TARGET}×: ${growth <= CPU_GROWTH_TARGET ? 'met' : 'missed'}`
            : '';
        return [
          CLIENT_LABELS[client],
          low?.cpuUsPerOp.toFixed(2) ?? 'n/a',
          high?.cpuUsPerOp.toFixed(2) ?? 'n/a',
          Number.isFinite(growth) ? `${growth.toFixed(2)}×` : 'n/a',
          target,
        ];
      }),
    ),
  );
  lines.push(
    '',
    'keyslot: the topology refreshed every 100 ms under the same load, and what one refresh costs (idle client, 200 refreshes; each asks 3 nodes for CLUSTER SHARDS):',
    '',
  );
  lines.push(
    markdownTable(
      [
        'primaries',
        'nodes',
        'p99 ms',
        'p99 refreshing',
        'ratio',
        'refreshes/s',
        'ops/s refreshing',
        'CPU ms/refresh',
        'bytes read/refresh',
        'bytes/node',
        'target',
      ],
      all.map((f) => {
        const plain = summarize(
          'keyslot',
          f.primaries,
          f.runs.filter((r) => r.client === 'keyslot'),
        );
        const refreshing = summarize('keyslot', f.primaries, f.refreshing);
        const windowS =
          f.refreshing.length === 0
            ? Number.NaN
            : median(f.refreshing.map((r) => (r.windowUs[1] - r.windowUs[0]) / 1e6));
        const perSecond = median(f.refreshing.map((r) => r.refreshes ?? Number.NaN)) / windowS;
        const p99Ratio = plain && refreshing ? refreshing.p99Ms / plain.p99Ms : Number.NaN;
        const cost = f.refreshCost;
        return [
          String(f.primaries),
          String(cost?.nodes ?? 'n/a'),
          plain ? fmtMs(plain.p99Ms) : 'n/a',
          refreshing ? fmtMs(refreshing.p99Ms) : 'n/a',
          Number.isFinite(p99Ratio) ? `${p99Ratio.toFixed(2)}×` : 'n/a',
          Number.isFinite(perSecond) ? perSecond.toFixed(1) : 'n/a',
          refreshing ? fmtOps(refreshing.opsPerSec) : 'n/a',
          cost ? cost.cpuMsPerRefresh.toFixed(3) : 'n/a',
          cost ? Math.round(cost.bytesReadPerRefresh).toLocaleString('en-US') : 'n/a',
          cost ? Math.round(cost.bytesReadPerRefresh / cost.nodes).toLocaleString('en-US') : 'n/a',
          `p99 ≤ ${P99_REFRESH_TARGET}×: ${p99Ratio <= P99_REFRESH_TARGET ? 'met' : 'missed'}`,
        ];
      }),
    ),
  );
  lines.push(
    '',
    'keyslot: socket writes and reads (one run with every write and `data` event counted; slower than the runs above):',
    '',
  );
  lines.push(
    markdownTable(
      ['primaries', 'commands per write', 'replies per read', 'writes per node per ms'],
      all.map((f) => {
        const io = f.io;
        if (!io?.writesPerOp || !io.readsPerOp) return [String(f.primaries), 'n/a', 'n/a', 'n/a'];
        const writesPerMs = (io.opsPerSec * io.writesPerOp) / 1000 / f.primaries;
        return [
          String(f.primaries),
          (1 / io.writesPerOp).toFixed(1),
          (1 / io.readsPerOp).toFixed(1),
          writesPerMs.toFixed(2),
        ];
      }),
    ),
  );
  const profiled = all.flatMap((f) => (f.profile ? [f.profile] : []));
  if (profiled.length > 0) {
    lines.push(
      '',
      `keyslot's CPU profile (\`node --cpu-prof\`, main thread, measured window): sampled self time per command, the functions that cost most at ${most} primaries:`,
      '',
    );
    lines.push(profileTable(profiled));
  }
  for (const f of all) {
    if (f.refreshProfile === undefined) continue;
    lines.push(
      '',
      `One refresh at ${f.primaries} primaries, profiled (main thread, the ${REFRESHES_COUNTED} refreshes only):`,
      '',
    );
    lines.push(f.refreshProfile);
  }
  const failures = all.flatMap((f) => f.failures);
  if (failures.length > 0) lines.push('', `Failed runs: ${failures.join('; ')}`);
  return lines.join('\n');
}

export const nodesSection: ScaleSection = {
  name: 'nodes',
  async run(context: ScaleContext): Promise<ScaleSectionReport> {
    const all: NodeCountFigures[] = [];
    for (const primaries of context.options.scalePrimaries)
      all.push(await measureNodeCount(context, primaries));
    return { markdown: report(all, scaleClients(context.options)), figures: all };
  },
};
