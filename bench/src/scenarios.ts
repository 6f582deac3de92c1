import { performance } from 'node:perf_hooks';
import type { Driver } from './clients/driver.js';
import { ioSnapshot } from './experiments.js';
import { Histogram } from './histogram.js';
import { SLOT_COUNT, VALUE } from './keys.js';
import type { ScenarioName } from './names.js';
import { sleep, within } from './time.js';

/** The numbers one run of one scenario produces. */
export interface Measurement {
  ops: number;
  errors: number;
  elapsedMs: number;
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Client process CPU (user + system, every thread) per command, in µs. */
  cpuUsPerOp: number;
  /** process.hrtime of the measured window, in µs (to cut a CPU profile to it). */
  windowUs: [number, number];
  /** With the `count-io` experiment: socket writes and reads per command. */
  writesPerOp?: number;
  readsPerOp?: number;
}

/** Shared state of the callers of one run: counters, the histogram, and the stop flag. */
class Run {
  ops = 0;
  errors = 0;
  measuring = false;
  stopped = false;
  readonly histogram = new Histogram();
}

const BATCH = 1000;

/** One caller: SET key, GET key, next key..., each awaited, until stopped. */
async function caller(driver: Driver, keys: readonly string[], run: Run, offset: number): Promise<void> {
  const histogram = run.histogram;
  for (let i = offset; !run.stopped; i++) {
    const key = keys[i % SLOT_COUNT]!;
    let start = performance.now();
    try {
      await driver.set(key, VALUE);
    } catch {
      run.errors++;
    }
    let end = performance.now();
    run.ops++;
    if (run.measuring) histogram.record(end - start);
    start = end;
    try {
      await driver.get(key);
    } catch {
      run.errors++;
    }
    end = performance.now();
    run.ops++;
    if (run.measuring) histogram.record(end - start);
  }
}

/** Promise.all of 1,000 single commands (500 SET/GET pairs), again and again. */
async function promiseAll(driver: Driver, keys: readonly string[], run: Run): Promise<void> {
  const histogram = run.histogram;
  const promises = new Array<Promise<unknown>>(BATCH);
  for (let base = 0; !run.stopped; base += BATCH / 2) {
    const start = performance.now();
    for (let i = 0; i < BATCH; i += 2) {
      const key = keys[(base + i / 2) % SLOT_COUNT]!;
      promises[i] = driver.set(key, VALUE);
      promises[i + 1] = driver.get(key);
    }
    try {
      await Promise.all(promises);
    } catch {
      const settled = await Promise.allSettled(promises);
      for (const result of settled) if (result.status === 'rejected') run.errors++;
    }
    run.ops += BATCH;
    if (run.measuring) histogram.record(performance.now() - start);
  }
}

/** The library's own explicit pipeline of 1,000 commands across slots, again and again. */
async function batches(driver: Driver, keys: readonly string[], run: Run): Promise<void> {
  const histogram = run.histogram;
  for (let base = 0; !run.stopped; base += BATCH) {
    const start = performance.now();
    try {
      run.errors += await driver.batch(keys, base % SLOT_COUNT, BATCH, VALUE);
    } catch {
      run.errors += BATCH;
    }
    run.ops += BATCH;
    if (run.measuring) histogram.record(performance.now() - start);
  }
}

export function hrtimeUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/** What every measured window reports, from its counts, latency histogram and process CPU time. */
export function windowFigures(
  ops: number,
  errors: number,
  elapsedMs: number,
  histogram: Histogram,
  cpu: NodeJS.CpuUsage,
  windowUs: [number, number],
) {
  return {
    ops,
    errors,
    opsPerSec: (ops / elapsedMs) * 1000,
    p50Ms: histogram.percentile(0.5),
    p99Ms: histogram.percentile(0.99),
    maxMs: histogram.maxMs,
    cpuUsPerOp: ops === 0 ? Number.NaN : (cpu.user + cpu.system) / ops,
    windowUs,
  };
}

/** Runs one scenario: warm-up, then a measured window, then stops the callers and waits for them. */
export async function runScenario(
  name: ScenarioName,
  driver: Driver,
  keys: readonly string[],
  warmupMs: number,
  durationMs: number,
): Promise<Measurement> {
  const run = new Run();
  const workers: Promise<void>[] = [];
  switch (name) {
    case 'sequential':
      workers.push(caller(driver, keys, run, 0));
      break;
    case 'concurrent-100':
    case 'concurrent-1000': {
      const callers = name === 'concurrent-100' ? 100 : 1000;
      const stride = Math.floor(SLOT_COUNT / callers);
      for (let i = 0; i < callers; i++) workers.push(caller(driver, keys, run, i * stride));
      break;
    }
    case 'promise-all-1000':
      workers.push(promiseAll(driver, keys, run));
      break;
    case 'batch-1000':
      workers.push(batches(driver, keys, run));
      break;
    default:
      throw new Error(`unknown scenario ${String(name)}`);
  }
  await sleep(warmupMs);
  const ops0 = run.ops;
  const errors0 = run.errors;
  run.histogram.reset();
  run.measuring = true;
  const io0 = ioSnapshot();
  const cpu0 = process.cpuUsage();
  const windowStart = hrtimeUs();
  const t0 = performance.now();
  await sleep(durationMs);
  const t1 = performance.now();
  const windowEnd = hrtimeUs();
  const cpu = process.cpuUsage(cpu0);
  const io1 = ioSnapshot();
  run.measuring = false;
  const ops = run.ops - ops0;
  const errors = run.errors - errors0;
  run.stopped = true;
  await within(Promise.all(workers), 10_000);
  const elapsedMs = t1 - t0;
  return {
    ...windowFigures(ops, errors, elapsedMs, run.histogram, cpu, [windowStart, windowEnd]),
    elapsedMs,
    ...(io0 && io1 && ops > 0
      ? { writesPerOp: (io1.writes - io0.writes) / ops, readsPerOp: (io1.reads - io0.reads) / ops }
      : {}),
  };
}
