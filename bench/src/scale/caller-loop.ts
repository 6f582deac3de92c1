// N callers on one client, each awaiting its command before the next: either as fast as they can (closed loop), or
// paced so that all of them together send `ratePerSec` commands (each caller once per N / rate seconds, the callers'
// turns spread evenly over that period), which compares 1,000 and 10,000 callers at one throughput.
import { performance } from 'node:perf_hooks';
import type { Driver } from '../clients/driver.js';
import { Histogram } from '../histogram.js';
import { VALUE } from '../keys.js';
import { hrtimeUs, windowFigures } from '../scenarios.js';
import { sleep, within } from '../time.js';

export interface CallerPlan {
  callers: number;
  /** Total commands per second of all callers together; undefined for a closed loop. */
  ratePerSec?: number | undefined;
}

/** One run's figures (latency per command, from the moment it is sent). */
export interface CallersMeasurement {
  ops: number;
  errors: number;
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Client process CPU (user + system, every thread) per command, in µs. */
  cpuUsPerOp: number;
  /** The kernel's part of it (system time: socket reads and writes, epoll). */
  systemUsPerOp: number;
  /** Paced runs: commands sent more than 2 ms after their turn (the client could not keep up). */
  lateFraction?: number;
  /** process.hrtime of the measured window, in µs (to cut a CPU profile to it). */
  windowUs: [number, number];
}

/** Releases waiting callers at their turn: one timer for all of them, turns bucketed by millisecond. */
class Pacer {
  private readonly due = new Map<number, (() => void)[]>();
  private lastMs = Math.floor(performance.now());
  private readonly timer = setInterval(() => this.tick(), 1);

  wait(at: number): Promise<void> | undefined {
    const ms = Math.floor(at);
    if (ms <= this.lastMs) return undefined;
    return new Promise((resolve) => {
      const bucket = this.due.get(ms);
      if (bucket) bucket.push(resolve);
      else this.due.set(ms, [resolve]);
    });
  }

  private tick(): void {
    const now = Math.floor(performance.now());
    for (let ms = this.lastMs + 1; ms <= now; ms++) {
      const bucket = this.due.get(ms);
      if (bucket === undefined) continue;
      this.due.delete(ms);
      for (const resolve of bucket) resolve();
    }
    this.lastMs = now;
  }

  stop(): void {
    clearInterval(this.timer);
    for (const bucket of this.due.values()) for (const resolve of bucket) resolve();
    this.due.clear();
  }
}

class Run {
  ops = 0;
  errors = 0;
  late = 0;
  measuring = false;
  stopped = false;
  readonly histogram = new Histogram();
}

async function caller(
  driver: Driver,
  keys: readonly string[],
  run: Run,
  index: number,
  pacing: { pacer: Pacer; periodMs: number; firstAt: number } | undefined,
): Promise<void> {
  let turn = pacing?.firstAt ?? 0;
  for (let i = index; !run.stopped; i++) {
    if (pacing !== undefined) {
      const waiting = pacing.pacer.wait(turn);
      if (waiting !== undefined) await waiting;
      if (run.stopped) return;
    }
    const key = keys[(i >> 1) % keys.length]!;
    const start = performance.now();
    if (pacing !== undefined && run.measuring && start - turn > 2) run.late++;
    try {
      await ((i & 1) === 0 ? driver.set(key, VALUE) : driver.get(key));
    } catch {
      run.errors++;
    }
    run.ops++;
    if (run.measuring) run.histogram.record(performance.now() - start);
    if (pacing !== undefined) turn += pacing.periodMs;
  }
}

/** Called at the edges of the measured window, and after it with every caller still live (heap samples). */
export interface WindowHooks {
  start?(): void;
  end?(): void;
  whileRunning?(): void;
}

/** Runs the callers for a warm-up, measures a window, then stops them and waits for them. */
export async function runCallers(
  driver: Driver,
  keys: readonly string[],
  plan: CallerPlan,
  warmupMs: number,
  durationMs: number,
  hooks: WindowHooks = {},
): Promise<CallersMeasurement> {
  const run = new Run();
  const pacer = plan.ratePerSec === undefined ? undefined : new Pacer();
  const periodMs = plan.ratePerSec === undefined ? 0 : (plan.callers * 1000) / plan.ratePerSec;
  const stride = Math.max(1, Math.floor(keys.length / plan.callers)) * 2;
  const started = performance.now();
  const workers: Promise<void>[] = [];
  for (let i = 0; i < plan.callers; i++) {
    const pacing =
      pacer === undefined ? undefined : { pacer, periodMs, firstAt: started + (i * periodMs) / plan.callers };
    workers.push(caller(driver, keys, run, i * stride, pacing));
  }
  await sleep(warmupMs);
  const ops0 = run.ops;
  const errors0 = run.errors;
  run.histogram.reset();
  run.measuring = true;
  hooks.start?.();
  const cpu0 = process.cpuUsage();
  const windowStart = hrtimeUs();
  const t0 = performance.now();
  await sleep(durationMs);
  const elapsedMs = performance.now() - t0;
  const windowEnd = hrtimeUs();
  const cpu = process.cpuUsage(cpu0);
  run.measuring = false;
  const ops = run.ops - ops0;
  const errors = run.errors - errors0;
  hooks.end?.();
  hooks.whileRunning?.();
  run.stopped = true;
  pacer?.stop();
  await within(Promise.all(workers), 15_000);
  return {
    ...windowFigures(ops, errors, elapsedMs, run.histogram, cpu, [windowStart, windowEnd]),
    systemUsPerOp: ops === 0 ? Number.NaN : cpu.system / ops,
    ...(pacer === undefined ? {} : { lateFraction: ops === 0 ? 0 : run.late / ops }),
  };
}
