// Issue 23, item 2: 1,000 against 10,000 concurrent callers on one client (one connection to the cluster), on a
// 3+3 cluster. As fast as they go (closed loop: the latency grows with the callers by Little's law, so this shows
// throughput and memory), and paced to one rate both sustain (the latency cliff, if any, shows there).
import { rotate } from '../http.js';
import { CLIENT_LABELS, type ClientName } from '../names.js';
import { fmtMs, fmtOps, median } from '../report.js';
import type { CallersResult } from './scale-child.js';
import { callersRun, markdownTable, ratio, scaleClients, withCluster } from './scale-runs.js';
import type { ScaleContext, ScaleSection, ScaleSectionReport } from './scale-section.js';

const FEW = 1000;
const MANY = 10_000;
const PRIMARIES = 3;
/** The p99 of 10,000 paced callers may be at most this much the p99 of 1,000 at the same rate. */
const P99_TARGET = 2;
/** A paced run kept up when it reached this share of the rate. */
const SUSTAINED = 0.97;

type Mode = 'closed' | 'paced';

interface CallersRun extends CallersResult {
  round: number;
  callers: number;
  mode: Mode;
}

const MB = 2 ** 20;

function pick(runs: readonly CallersRun[], client: ClientName, callers: number, mode: Mode): CallersRun[] {
  return runs.filter((r) => r.client === client && r.callers === callers && r.mode === mode);
}

function med(runs: readonly CallersRun[], field: (run: CallersRun) => number | undefined): number {
  return median(runs.map((r) => field(r) ?? Number.NaN));
}

/** Heap bytes per extra caller: (heap with many − heap with few) / (many − few). */
function bytesPerCaller(many: readonly CallersRun[], few: readonly CallersRun[]): number {
  return ((med(many, (r) => r.heapUsedMb) - med(few, (r) => r.heapUsedMb)) * MB) / (MANY - FEW);
}

/** GC pause per second of the measured window, in ms. */
function gcShare(run: CallersRun): number {
  return (run.gcPauseMs * 1e6) / (run.windowUs[1] - run.windowUs[0]);
}

function report(
  runs: readonly CallersRun[],
  clients: readonly ClientName[],
  rate: number,
  alone: readonly CallersRun[],
): string {
  const lines: string[] = [];
  lines.push(
    `${PRIMARIES}+${PRIMARIES} cluster, one client (one connection) per process; medians over ${new Set(runs.map((r) => r.round)).size} round(s). Heap: \`heapUsed\` after a full GC while every caller waits (glide keeps its requests in its Rust core, outside the JS heap).`,
    '',
    `Paced to ${rate.toLocaleString('en-US')} commands/s in total (each of N callers sends once every N / ${rate.toLocaleString('en-US')} s, turns spread evenly):`,
    '',
  );
  lines.push(
    markdownTable(
      [
        'client',
        `p50 ${FEW / 1000}k`,
        `p99 ${FEW / 1000}k`,
        `p50 ${MANY / 1000}k`,
        `p99 ${MANY / 1000}k`,
        'p99 ratio',
        'ops/s 1k / 10k',
        'CPU µs/cmd 1k / 10k',
        'GC pause ms/s 1k / 10k',
        'longest GC ms 1k / 10k',
        'bytes per paced caller',
        'target',
      ],
      clients.map((client) => {
        const few = pick(runs, client, FEW, 'paced');
        const many = pick(runs, client, MANY, 'paced');
        const p99Ratio = med(many, (r) => r.p99Ms) / med(few, (r) => r.p99Ms);
        const sustained = [...few, ...many].every((r) => r.opsPerSec >= rate * SUSTAINED);
        const verdict = !Number.isFinite(p99Ratio)
          ? 'n/a'
          : `≤ ${P99_TARGET}×: ${p99Ratio <= P99_TARGET ? 'met' : 'missed'}${sustained ? '' : ' (rate not sustained)'}`;
        return [
          CLIENT_LABELS[client],
          fmtMs(med(few, (r) => r.p50Ms)),
          fmtMs(med(few, (r) => r.p99Ms)),
          fmtMs(med(many, (r) => r.p50Ms)),
          fmtMs(med(many, (r) => r.p99Ms)),
          Number.isFinite(p99Ratio) ? `${p99Ratio.toFixed(2)}×` : 'n/a',
          `${fmtOps(med(few, (r) => r.opsPerSec))} / ${fmtOps(med(many, (r) => r.opsPerSec))}`,
          `${med(few, (r) => r.cpuUsPerOp).toFixed(2)} / ${med(many, (r) => r.cpuUsPerOp).toFixed(2)}`,
          `${med(few, gcShare).toFixed(1)} / ${med(many, gcShare).toFixed(1)}`,
          `${med(few, (r) => r.gcMaxPauseMs).toFixed(1)} / ${med(many, (r) => r.gcMaxPauseMs).toFixed(1)}`,
          Math.round(bytesPerCaller(many, few)).toLocaleString('en-US'),
          client === 'keyslot' ? verdict : verdict.replace(/^≤ \d×: /, ''),
        ];
      }),
    ),
  );
  const aloneFew = alone.filter((r) => r.callers === FEW);
  const aloneMany = alone.filter((r) => r.callers === MANY);
  if (alone.length > 0)
    lines.push(
      '',
      `The same paced callers with no client (every command answered at once): GC pause ${med(aloneFew, gcShare).toFixed(1)} / ${med(aloneMany, gcShare).toFixed(1)} ms/s, longest ${med(aloneFew, (r) => r.gcMaxPauseMs).toFixed(1)} / ${med(aloneMany, (r) => r.gcMaxPauseMs).toFixed(1)} ms, heap ${med(aloneFew, (r) => r.heapUsedMb).toFixed(1)} / ${med(aloneMany, (r) => r.heapUsedMb).toFixed(1)} MB with 1k / 10k callers: what the callers themselves cost the process.`,
    );
  lines.push('', 'As fast as they go (closed loop; every caller always waits on a command):', '');
  const base = pick(runs, 'keyslot', FEW, 'closed');
  lines.push(
    markdownTable(
      [
        'client',
        'callers',
        'ops/s',
        'CPU µs/cmd',
        'p50 ms',
        'p99 ms',
        'ops/s ÷ keyslot 1k',
        'heap MB',
        'bytes per waiting caller',
        'errors',
      ],
      clients.flatMap((client) =>
        [FEW, MANY].map((callers) => {
          const these = pick(runs, client, callers, 'closed');
          const perCaller =
            callers === MANY ? bytesPerCaller(these, pick(runs, client, FEW, 'closed')) : Number.NaN;
          return [
            CLIENT_LABELS[client],
            callers.toLocaleString('en-US'),
            fmtOps(med(these, (r) => r.opsPerSec)),
            med(these, (r) => r.cpuUsPerOp).toFixed(2),
            fmtMs(med(these, (r) => r.p50Ms)),
            fmtMs(med(these, (r) => r.p99Ms)),
            ratio(
              med(these, (r) => r.opsPerSec),
              med(base, (r) => r.opsPerSec),
            ),
            med(these, (r) => r.heapUsedMb).toFixed(1),
            Number.isFinite(perCaller) ? Math.round(perCaller).toLocaleString('en-US') : '',
            String(these.reduce((sum, r) => sum + r.errors, 0)),
          ];
        }),
      ),
      2,
    ),
  );
  return lines.join('\n');
}

export const callersSection: ScaleSection = {
  name: 'callers',
  async run(context: ScaleContext): Promise<ScaleSectionReport> {
    const { options } = context;
    const clients = scaleClients(options);
    const rate = options.scaleRate;
    const runs: CallersRun[] = [];
    /** The paced callers with no client (every command answered at once): the callers' own GC and heap. */
    const alone: CallersRun[] = [];
    const failures: string[] = [];
    const timing = { warmupMs: options.warmupMs, durationMs: options.durationMs };
    context.progress(
      `scale callers: ${FEW} and ${MANY} callers, ${PRIMARIES}+${PRIMARIES} cluster, paced to ${rate} ops/s and unpaced`,
    );
    await withCluster(options, PRIMARIES, async (cluster) => {
      for (let round = 1; round <= options.rounds; round++) {
        for (const callers of [FEW, MANY]) {
          const label = `round ${round} paced ${callers}, no client`;
          const plan = { callers, ratePerSec: rate };
          const task = { client: 'keyslot' as const, cluster, plan, ...timing, heap: true, noClient: true };
          try {
            alone.push({ ...(await callersRun(context, task, label)), round, callers, mode: 'paced' });
          } catch (error) {
            failures.push(`${label}: ${(error as Error).message.split('\n')[0]}`);
          }
        }
        for (const client of rotate(clients, round - 1)) {
          for (const mode of ['paced', 'closed'] as const) {
            for (const callers of [FEW, MANY]) {
              const label = `round ${round} ${mode} ${callers}`;
              const plan = { callers, ...(mode === 'paced' ? { ratePerSec: rate } : {}) };
              try {
                const result = await callersRun(
                  context,
                  {
                    client,
                    cluster,
                    plan,
                    warmupMs: options.warmupMs,
                    durationMs: options.durationMs,
                    heap: true,
                  },
                  label,
                );
                runs.push({ ...result, round, callers, mode });
              } catch (error) {
                const message = (error as Error).message.split('\n')[0];
                failures.push(`${label} ${client}: ${message}`);
                context.progress(`  ${label} ${client} FAILED: ${message}`);
              }
            }
          }
        }
      }
    });
    let markdown = report(runs, clients, rate, alone);
    if (failures.length > 0) markdown += `\n\nFailed runs: ${failures.join('; ')}`;
    return { markdown, figures: { rate, runs, alone, failures } };
  },
};
