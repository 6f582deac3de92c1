/**
 * The child of the scale sections (one client, one run, in a process of its own; forked with `--expose-gc`):
 * - `callers`: N callers, closed loop or paced (caller-loop.ts); optionally the heap while they all wait, the socket
 *   writes and reads per command (count-io), and for keyslot a topology check interval (refresh under load);
 * - `refresh-cost`: keyslot, idle, refreshing its topology again and again: CPU and bytes read per refresh.
 */
import net from 'node:net';
import { reportToParent } from '../child-report.js';
import { type ClusterAddresses, type Driver, loadDriver } from '../clients/driver.js';
import { EXPERIMENT_NAMES, type ExperimentName, installExperiments, ioSnapshot } from '../experiments.js';
import { watchGc } from '../gc-pauses.js';
import { keysForEverySlot, VALUE } from '../keys.js';
import type { ClientName } from '../names.js';
import { within } from '../time.js';
import { type CallerPlan, type CallersMeasurement, runCallers } from './caller-loop.js';

export interface CallersTask {
  kind: 'callers';
  client: ClientName;
  cluster: ClusterAddresses;
  plan: CallerPlan;
  warmupMs: number;
  durationMs: number;
  /** keyslot only: `topologyCheckIntervalMs` (a refresh every that many ms, under load). */
  topologyCheckIntervalMs?: number;
  /** Count socket writes and reads (slower: every write and read is wrapped). */
  countIo?: boolean;
  /** Sample the heap (after a full GC) while every caller is still waiting. */
  heap?: boolean;
  /** No client at all: every command answered at once, to see what the callers alone cost (their GC, their heap). */
  noClient?: boolean;
}

/** A driver that answers every command at once, without a client or a server. */
const answerAtOnce: Driver = {
  set: () => Promise.resolve('OK'),
  get: () => Promise.resolve(VALUE),
  setBuffer: () => Promise.resolve('OK'),
  getBuffer: () => Promise.resolve(Buffer.from(VALUE)),
  batch: () => Promise.resolve(0),
  close: () => Promise.resolve(),
};

export interface RefreshCostTask {
  kind: 'refresh-cost';
  cluster: ClusterAddresses;
  refreshes: number;
}

export interface CallersResult extends CallersMeasurement {
  client: ClientName;
  peakRssMb: number;
  /** Median of three heapUsed samples, each after a full GC, with the callers live. */
  heapUsedMb?: number;
  rssMb?: number;
  writesPerOp?: number;
  readsPerOp?: number;
  /** keyslot: topology refreshes during the run. */
  refreshes?: number;
  /** GC pauses in the measured window (perf_hooks 'gc' entries): their sum and the longest, in ms. */
  gcPauseMs: number;
  gcMaxPauseMs: number;
}

export interface RefreshCostResult {
  refreshes: number;
  cpuMsPerRefresh: number;
  bytesReadPerRefresh: number;
  nodes: number;
  /** process.hrtime of the counted refreshes, in µs (to cut a CPU profile to them). */
  windowUs: [number, number];
}

const gc = (globalThis as { gc?: () => void }).gc;

function heapSample(): { heapUsedMb: number; rssMb: number } {
  const samples: number[] = [];
  for (let i = 0; i < 3; i++) {
    gc?.();
    samples.push(process.memoryUsage().heapUsed);
  }
  samples.sort((a, b) => a - b);
  return { heapUsedMb: samples[1]! / 2 ** 20, rssMb: process.memoryUsage().rss / 2 ** 20 };
}

async function runCallersTask(task: CallersTask): Promise<CallersResult> {
  const keys = keysForEverySlot();
  if (task.countIo) await installExperiments(['count-io']);
  // Prototypes to compare (experiments.ts), e.g. BENCH_SCALE_EXPERIMENTS=flush-immediate; none by default.
  const prototypes = (process.env.BENCH_SCALE_EXPERIMENTS ?? '').split(',').filter(Boolean);
  await installExperiments(
    prototypes.filter(
      (name): name is ExperimentName =>
        name !== 'count-io' && EXPERIMENT_NAMES.includes(name as ExperimentName),
    ),
  );
  let refreshes: (() => number) | undefined;
  let driver: Awaited<ReturnType<typeof loadDriver>>;
  if (task.noClient) {
    driver = answerAtOnce;
  } else if (task.client === 'keyslot') {
    const { connectKeyslot } = await import('../clients/keyslot.js');
    const config =
      task.topologyCheckIntervalMs === undefined
        ? {}
        : { topologyCheckIntervalMs: task.topologyCheckIntervalMs };
    const keyslot = await connectKeyslot(task.cluster, config);
    refreshes = () => keyslot.connection.stats().refreshes;
    driver = keyslot;
  } else {
    driver = await loadDriver(task.client, task.cluster);
  }
  try {
    await driver.set(keys[0]!, VALUE);
    if (String(await driver.get(keys[0]!)) !== VALUE) throw new Error(`${task.client}: GET read back wrong`);
    let heap: { heapUsedMb: number; rssMb: number } | undefined;
    let io0: ReturnType<typeof ioSnapshot>;
    let io1: ReturnType<typeof ioSnapshot>;
    let refreshes0 = 0;
    let refreshes1 = 0;
    const { gc: gcPauses, stop: stopGcWatch } = watchGc();
    const measured = await runCallers(driver, keys, task.plan, task.warmupMs, task.durationMs, {
      start: () => {
        gcPauses.counting = true;
        io0 = ioSnapshot();
        refreshes0 = refreshes?.() ?? 0;
      },
      end: () => {
        gcPauses.counting = false;
        io1 = ioSnapshot();
        refreshes1 = refreshes?.() ?? 0;
      },
      whileRunning: () => {
        if (task.heap) heap = heapSample();
      },
    });
    stopGcWatch();
    const counted =
      io0 && io1 ? { writes: io1.writes - io0.writes, reads: io1.reads - io0.reads } : undefined;
    return {
      client: task.client,
      ...measured,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      gcPauseMs: gcPauses.totalMs,
      gcMaxPauseMs: gcPauses.maxMs,
      ...(heap ?? {}),
      ...(refreshes ? { refreshes: refreshes1 - refreshes0 } : {}),
      ...(counted && measured.ops > 0
        ? { writesPerOp: counted.writes / measured.ops, readsPerOp: counted.reads / measured.ops }
        : {}),
    };
  } finally {
    await within(driver.close(), 2_000);
  }
}

/** Bytes of every socket 'data' event in this process. */
function countBytesRead(): () => number {
  let bytes = 0;
  const proto = net.Socket.prototype as unknown as {
    emit: (event: string | symbol, ...args: unknown[]) => boolean;
  };
  const emit = proto.emit;
  proto.emit = function (this: net.Socket, event: string | symbol, ...args: unknown[]) {
    if (event === 'data') bytes += (args[0] as Buffer).length;
    return emit.call(this, event, ...args);
  };
  return () => bytes;
}

async function runRefreshCost(task: RefreshCostTask): Promise<RefreshCostResult> {
  const bytesRead = countBytesRead();
  const { connectKeyslot } = await import('../clients/keyslot.js');
  const keyslot = await connectKeyslot(task.cluster);
  const router = (keyslot.connection as unknown as { router: { refresh(): Promise<void> } }).router;
  try {
    for (let i = 0; i < 20; i++) await router.refresh(); // warm-up: connections to the nodes asked, JIT
    const bytes0 = bytesRead();
    const cpu0 = process.cpuUsage();
    const windowStart = Number(process.hrtime.bigint() / 1000n);
    for (let i = 0; i < task.refreshes; i++) await router.refresh();
    const windowEnd = Number(process.hrtime.bigint() / 1000n);
    const cpu = process.cpuUsage(cpu0);
    return {
      refreshes: task.refreshes,
      cpuMsPerRefresh: (cpu.user + cpu.system) / 1000 / task.refreshes,
      bytesReadPerRefresh: (bytesRead() - bytes0) / task.refreshes,
      nodes: keyslot.connection.topology().nodes.length,
      windowUs: [windowStart, windowEnd],
    };
  } finally {
    await within(keyslot.close(), 2_000);
  }
}

const task = JSON.parse(process.argv[2] ?? '{}') as CallersTask | RefreshCostTask;
await reportToParent(() => (task.kind === 'refresh-cost' ? runRefreshCost(task) : runCallersTask(task)));
