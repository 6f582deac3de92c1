// The steady load of a scenario: N concurrent callers on one connection, each alternating INCR and GET on its own
// key, plus (for the memory scenarios) a flood of fire-and-forget reads. Both stop by themselves.
import { KeyAudit } from './audit.js';
import type { CommandLedger } from './ledger.js';

/** What the callers need from a connection. */
export interface LoadTarget {
  incr(key: string): Promise<unknown>;
  get(key: string): Promise<unknown>;
}

/** Settings of {@link startCallers}. */
export interface CallerOptions {
  /** One key per caller. */
  keys: readonly string[];
  /** Callers stop by themselves after this long, whatever happens. */
  maxDurationMs: number;
  /** ... or after this many commands each. */
  maxCommandsPerCaller: number;
  /** Whether a failed INCR may have run (its outcome is unknown to the caller). */
  maybeApplied(error: unknown): boolean;
  /**
   * After each acknowledged INCR: a WAIT on the key's primary (resolving to whether a replica has the write), or
   * undefined when no confirmation is asked for (none at all without this option).
   */
  confirmWrite?: ((key: string) => Promise<boolean> | undefined) | undefined;
  /** Acknowledged values kept per key for the loss audit (default: all). */
  auditWindow?: number | undefined;
}

/** What the callers did, per caller (index = caller). */
export class CallerLoad {
  /** INCRs acknowledged. */
  readonly acked: number[];
  /** ... of which a WAIT confirmed on a replica. */
  readonly confirmed: number[];
  /** The exact audit of each caller's key, fed with every value the caller is told. */
  readonly audits: KeyAudit[];
  /** INCRs that failed with an error that leaves their outcome unknown (keyslot: outcome-unknown, or a deadline). */
  readonly unknown: number[];
  /** INCRs that failed with an error that says they did not run. */
  readonly writeFailed: number[];
  readonly readFailed: number[];
  /** When each caller's first command issued at or after `faultAt` succeeded (0: not yet). */
  readonly recoveredAt: number[];
  /** ... its first INCR issued at or after `faultAt` (for faults that stop writes only). */
  readonly writeRecoveredAt: number[];
  /** When each caller last succeeded. */
  readonly lastOkAt: number[];
  /** The onset of the fault being measured; set with `markFault`. */
  faultAt: number | undefined;
  /** Why each caller loop ended, once it has. */
  stopReason: 'stopped' | 'time' | 'count' | undefined;
  private running = true;
  readonly finished: Promise<void>;

  constructor(
    private readonly target: LoadTarget,
    private readonly ledger: CommandLedger,
    readonly options: CallerOptions,
  ) {
    const n = options.keys.length;
    const zeros = () => new Array<number>(n).fill(0);
    this.acked = zeros();
    this.confirmed = zeros();
    this.audits = options.keys.map(() => new KeyAudit(0, options.auditWindow));
    this.unknown = zeros();
    this.writeFailed = zeros();
    this.readFailed = zeros();
    this.recoveredAt = zeros();
    this.writeRecoveredAt = zeros();
    this.lastOkAt = zeros();
    const endAt = Date.now() + options.maxDurationMs;
    this.finished = Promise.all(options.keys.map((key, i) => this.caller(key, i, endAt))).then(() => {});
  }

  get callers(): number {
    return this.options.keys.length;
  }

  /** Starts measuring recovery from `at`: each caller notes when its first command issued since then succeeds. */
  markFault(at: number): void {
    this.faultAt = at;
    this.recoveredAt.fill(0);
    this.writeRecoveredAt.fill(0);
  }

  /**
   * True once every caller in `which` (default: all) has succeeded with a command issued since the fault (with
   * `writes`: with an INCR).
   */
  recovered(which?: readonly boolean[], writes = false): boolean {
    const times = writes ? this.writeRecoveredAt : this.recoveredAt;
    return times.every((at, i) => at > 0 || (which !== undefined && !which[i]));
  }

  /** The latest recovery time among `which` callers, minus the fault onset. */
  recoveryMs(which?: readonly boolean[], writes = false): number | undefined {
    if (this.faultAt === undefined || !this.recovered(which, writes)) return undefined;
    let latest = this.faultAt;
    (writes ? this.writeRecoveredAt : this.recoveredAt).forEach((at, i) => {
      if (which === undefined || which[i]) latest = Math.max(latest, at);
    });
    return latest - this.faultAt;
  }

  totalAcked(): number {
    return sum(this.acked);
  }

  /** Stops the callers; resolves once each has finished its last command. */
  async stop(): Promise<void> {
    this.running = false;
    await this.finished;
  }

  private async caller(key: string, i: number, endAt: number): Promise<void> {
    const { maxCommandsPerCaller, confirmWrite } = this.options;
    const audit = this.audits[i]!;
    for (let n = 0; ; n++) {
      if (!this.running) return this.ended('stopped');
      if (n >= maxCommandsPerCaller) return this.ended('count');
      const issuedAt = Date.now();
      if (issuedAt >= endAt) return this.ended('time');
      // Odd callers start with a read: half the callers are writing at any moment, whatever the fault hits.
      const write = ((n + i) & 1) === 0;
      try {
        if (write) {
          const value = Number(await this.ledger.track(this.target.incr(key)));
          this.acked[i]!++;
          audit.acked(value);
          const confirming = confirmWrite?.(key);
          if (confirming !== undefined) {
            if (await confirming.catch(() => false)) {
              audit.confirmed(value);
              this.confirmed[i]!++;
            }
          }
        } else {
          await this.ledger.track(this.target.get(key));
        }
        const now = Date.now();
        this.lastOkAt[i] = now;
        if (this.faultAt !== undefined && issuedAt >= this.faultAt) {
          if (this.recoveredAt[i] === 0) this.recoveredAt[i] = now;
          if (write && this.writeRecoveredAt[i] === 0) this.writeRecoveredAt[i] = now;
        }
      } catch (error) {
        if (write) {
          if (this.options.maybeApplied(error)) {
            this.unknown[i]!++;
            audit.unknown();
          } else {
            this.writeFailed[i]!++;
          }
        } else {
          this.readFailed[i]!++;
        }
        // An error that comes back at once (e.g. a full queue) must not turn the loop into a busy one.
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    }
  }

  private ended(reason: 'stopped' | 'time' | 'count'): void {
    this.stopReason ??= reason;
  }
}

/** Starts `options.keys.length` callers on `target`. */
export function startCallers(target: LoadTarget, ledger: CommandLedger, options: CallerOptions): CallerLoad {
  return new CallerLoad(target, ledger, options);
}

/** Settings of {@link startFlood}. */
export interface FloodOptions {
  /** Commands issued at each tick, without waiting for any of them. */
  perTick: number;
  intervalMs: number;
  /** The flood stops by itself after this long. */
  maxDurationMs: number;
  /** Distinct keys read. */
  keySpace: number;
  /** Keep the rate when ticks come late (a busy machine): each tick issues what is due since the start. */
  catchUp?: boolean;
}

/** A flood of fire-and-forget GETs: what an application does when it does not wait for its commands. */
export interface Flood {
  readonly issued: () => number;
  stop(): void;
}

export function startFlood(target: LoadTarget, ledger: CommandLedger, options: FloodOptions): Flood {
  let issued = 0;
  let next = 0;
  const startedAt = performance.now();
  const timer = setInterval(() => {
    const due = options.catchUp
      ? Math.floor(((performance.now() - startedAt) / options.intervalMs) * options.perTick) - issued
      : options.perTick;
    for (let i = 0; i < due; i++) {
      issued++;
      ledger.trackIgnored(target.get(`flood:${next++ % options.keySpace}`));
    }
  }, options.intervalMs);
  const limit = setTimeout(() => clearInterval(timer), options.maxDurationMs);
  return {
    issued: () => issued,
    stop: () => {
      clearInterval(timer);
      clearTimeout(limit);
    },
  };
}

export function sum(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}
