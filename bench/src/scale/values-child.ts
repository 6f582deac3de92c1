/**
 * One client in a process of its own for the values section (values.ts): `node --conditions=@keyslot/source
 * --import tsx bench/src/scale/values-child.ts <json task>`. Either the throughput of SET then GET of one value
 * size with a fixed number of commands in flight, or the isolation run: small GETs on one primary, alone and then
 * while 1 MB GETs run on another.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { reportToParent } from '../child-report.js';
import type { ClusterAddresses, Driver } from '../clients/driver.js';
import { watchGc } from '../gc-pauses.js';
import { Histogram } from '../histogram.js';
import type { ClientName } from '../names.js';
import { sleep, within } from '../time.js';
import { countBufferAllocations, meterAllocations } from './allocations.js';

export interface ThroughputTask {
  kind: 'throughput';
  client: ClientName;
  cluster: ClusterAddresses;
  valueBytes: number;
  /** Callers, each with one command in flight: the same count redis-benchmark keeps (connections × pipeline). */
  inFlight: number;
  keys: string[];
  warmupMs: number;
  durationMs: number;
}

export interface IsolationTask {
  kind: 'isolation';
  client: ClientName;
  cluster: ClusterAddresses;
  /** Keys on primary A (16-byte values) and on primary B (the large values). */
  smallKeys: string[];
  largeKeys: string[];
  largeBytes: number;
  smallCallers: number;
  largeCallers: number;
  warmupMs: number;
  durationMs: number;
}

export interface PhaseFigures {
  opsPerSec: number;
  bytesPerSec: number;
  errors: number;
  p99Ms: number;
  /** Client CPU (user + system) per MB of values moved, in ms. */
  cpuMsPerMb: number;
  /** The kernel's part of it (socket reads and writes, loopback TCP). */
  systemShare: number;
  /** Buffers made from JavaScript per MB of values moved, in MB (undefined for glide: its core is native). */
  bufferMbPerMb: number | undefined;
  heapMbPerMb: number;
}

export interface ThroughputResult {
  client: ClientName;
  valueBytes: number;
  set: PhaseFigures;
  get: PhaseFigures;
}

export interface IsolationResult {
  client: ClientName;
  alone: { p50Ms: number; p99Ms: number; opsPerSec: number };
  withLarge: { p50Ms: number; p99Ms: number; opsPerSec: number; largeBytesPerSec: number };
  /** p99 of the client's own event-loop delay (ms), alone and with the large GETs: the client's share of the wait. */
  loopDelayP99Ms: { alone: number; withLarge: number };
  /** The client process's GC pauses in each window: ms paused per second, and the longest pause (ms). */
  gcPauses: { alone: GcWindow; withLarge: GcWindow };
}

export interface GcWindow {
  msPerSec: number;
  longestMs: number;
}

/** Callers sharing counters and a stop flag. */
class Load {
  ops = 0;
  errors = 0;
  stopped = false;
  measuring = false;
  readonly histogram = new Histogram();
  readonly workers: Promise<void>[] = [];

  start(callers: number, command: (index: number) => Promise<unknown>): void {
    for (let c = 0; c < callers; c++) this.workers.push(this.caller(c, callers, command));
  }

  private async caller(offset: number, stride: number, command: (index: number) => Promise<unknown>) {
    for (let i = offset; !this.stopped; i += stride) {
      const start = performance.now();
      try {
        await command(i);
      } catch {
        this.errors++;
      }
      this.ops++;
      if (this.measuring) this.histogram.record(performance.now() - start);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await within(Promise.all(this.workers), 30_000);
  }
}

async function measurePhase(
  task: ThroughputTask,
  command: (index: number) => Promise<unknown>,
): Promise<PhaseFigures> {
  const load = new Load();
  load.start(task.inFlight, command);
  await sleep(task.warmupMs);
  const ops0 = load.ops;
  const errors0 = load.errors;
  load.measuring = true;
  const cpu0 = process.cpuUsage();
  const allocated = meterAllocations();
  const t0 = performance.now();
  await sleep(task.durationMs);
  const elapsedS = (performance.now() - t0) / 1000;
  const { bufferBytes, heapBytes } = allocated();
  const cpu = process.cpuUsage(cpu0);
  const ops = load.ops - ops0;
  const errors = load.errors - errors0;
  load.measuring = false;
  await load.stop();
  const mb = (ops * task.valueBytes) / 2 ** 20;
  return {
    opsPerSec: ops / elapsedS,
    bytesPerSec: (ops * task.valueBytes) / elapsedS,
    errors,
    p99Ms: load.histogram.percentile(0.99),
    cpuMsPerMb: (cpu.user + cpu.system) / 1000 / mb,
    systemShare: cpu.system / (cpu.user + cpu.system),
    bufferMbPerMb: task.client === 'glide' ? undefined : bufferBytes / 2 ** 20 / mb,
    heapMbPerMb: heapBytes / 2 ** 20 / mb,
  };
}

/** A value whose bytes are not all the same, so nothing along the way can shortcut it. */
function bytesOfSize(size: number): Buffer {
  const value = Buffer.allocUnsafeSlow(size);
  for (let i = 0; i < size; i++) value[i] = (i * 31 + 7) & 0xff;
  return value;
}

async function checkRoundTrip(driver: Driver, key: string, value: Buffer): Promise<void> {
  await driver.setBuffer(key, value);
  const read = await driver.getBuffer(key);
  if (!Buffer.isBuffer(read) && !(read instanceof Uint8Array)) throw new Error('GET did not return bytes');
  if (Buffer.compare(Buffer.from(read.buffer, read.byteOffset, read.byteLength), value) !== 0)
    throw new Error(`GET returned other bytes than SET wrote (${read.byteLength} of ${value.length})`);
}

async function throughput(driver: Driver, task: ThroughputTask): Promise<ThroughputResult> {
  const value = bytesOfSize(task.valueBytes);
  const keys = task.keys;
  await checkRoundTrip(driver, keys[0]!, value);
  const set = await measurePhase(task, (i) => driver.setBuffer(keys[i % keys.length]!, value));
  const get = await measurePhase(task, (i) => driver.getBuffer(keys[i % keys.length]!));
  return { client: task.client, valueBytes: task.valueBytes, set, get };
}

async function smallGetsFor(load: Load, durationMs: number) {
  load.histogram.reset();
  const loop = monitorEventLoopDelay({ resolution: 1 });
  const { gc, stop: stopGcWatch } = watchGc();
  loop.enable();
  const ops0 = load.ops;
  load.measuring = true;
  gc.counting = true;
  const t0 = performance.now();
  await sleep(durationMs);
  const elapsedS = (performance.now() - t0) / 1000;
  load.measuring = false;
  loop.disable();
  // perf_hooks delivers 'gc' entries asynchronously: let the last ones of the window arrive before counting stops.
  await new Promise((resolve) => setImmediate(resolve));
  gc.counting = false;
  stopGcWatch();
  return {
    gcPauses: { msPerSec: gc.totalMs / elapsedS, longestMs: gc.maxMs },
    loopDelayP99Ms: loop.percentile(99) / 1e6,
    p50Ms: load.histogram.percentile(0.5),
    p99Ms: load.histogram.percentile(0.99),
    opsPerSec: (load.ops - ops0) / elapsedS,
  };
}

async function isolation(driver: Driver, task: IsolationTask): Promise<IsolationResult> {
  const small = bytesOfSize(16);
  const large = bytesOfSize(task.largeBytes);
  for (const key of task.smallKeys) await checkRoundTrip(driver, key, small);
  for (const key of task.largeKeys) await checkRoundTrip(driver, key, large);
  const smallLoad = new Load();
  smallLoad.start(task.smallCallers, (i) => driver.getBuffer(task.smallKeys[i % task.smallKeys.length]!));
  await sleep(task.warmupMs);
  const alone = await smallGetsFor(smallLoad, task.durationMs);
  const largeLoad = new Load();
  largeLoad.start(task.largeCallers, (i) => driver.getBuffer(task.largeKeys[i % task.largeKeys.length]!));
  await sleep(task.warmupMs);
  const large0 = largeLoad.ops;
  const t0 = performance.now();
  const during = await smallGetsFor(smallLoad, task.durationMs);
  const largeOps = largeLoad.ops - large0;
  const largeBytesPerSec = (largeOps * task.largeBytes) / ((performance.now() - t0) / 1000);
  await Promise.all([smallLoad.stop(), largeLoad.stop()]);
  if (smallLoad.errors + largeLoad.errors > 0)
    throw new Error(`${smallLoad.errors + largeLoad.errors} commands failed`);
  return {
    client: task.client,
    alone: { p50Ms: alone.p50Ms, p99Ms: alone.p99Ms, opsPerSec: alone.opsPerSec },
    withLarge: { p50Ms: during.p50Ms, p99Ms: during.p99Ms, opsPerSec: during.opsPerSec, largeBytesPerSec },
    loopDelayP99Ms: { alone: alone.loopDelayP99Ms, withLarge: during.loopDelayP99Ms },
    gcPauses: { alone: alone.gcPauses, withLarge: during.gcPauses },
  };
}

async function runTask(task: ThroughputTask | IsolationTask): Promise<ThroughputResult | IsolationResult> {
  countBufferAllocations();
  const { loadDriver } = await import('../clients/driver.js');
  const driver = await loadDriver(task.client, task.cluster);
  try {
    return task.kind === 'throughput' ? await throughput(driver, task) : await isolation(driver, task);
  } finally {
    await within(driver.close(), 5_000);
  }
}

const task = JSON.parse(process.argv[2] ?? '{}') as ThroughputTask | IsolationTask;
await reportToParent(() => runTask(task));
