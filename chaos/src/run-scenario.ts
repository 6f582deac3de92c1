// Runs one scenario from start to finish on a cluster of its own: load, warm-up, fault, recovery, steady state,
// settling, audit. Whatever fails on the way is recorded in the result, so the figures are reported either way.
import { ClusterClient, type ClusterConnection } from '@keyslot/client';
import { type DevCluster, type StartClusterOptions, startCluster, TcpProxy } from '@keyslot/dev-cluster';
import { auditIncrs } from './audit.js';
import {
  type ClientKind,
  type ClientSettings,
  type ClientUnderTest,
  type NatMap,
  openClient,
} from './clients.js';
import { WriteConfirmer } from './durability.js';
import { CommandLedger } from './ledger.js';
import { type CallerLoad, startCallers, startFlood, sum } from './load.js';
import { PubSubLoad, type PubSubPlan, type StreamFigures } from './pubsub-load.js';
import { liveHeapBytes, Sampler } from './sampler.js';
import type { ChaosSettings, ScenarioId } from './settings.js';

/** Everything a scenario's steps may use. */
export interface ScenarioContext {
  readonly cluster: DevCluster;
  readonly settings: ChaosSettings;
  /** One key per caller. */
  readonly keys: readonly string[];
  /** A keyslot connection straight to the nodes (never through the proxies), for set-up and the audit. */
  readonly direct: ClusterConnection;
  readonly load: CallerLoad;
  /** Proxies by the address of the node behind them (scenarios with `viaProxies`). */
  readonly proxies: ReadonlyMap<string, TcpProxy>;
  /** Confirms writes with WAIT (scenarios with `durable`, keyslot only): tell it when the topology changes. */
  readonly confirmer: WriteConfirmer | undefined;
  /** Measures the live heap now (after a full GC); the largest value is compared with the one before the fault. */
  measureHeap(): void;
  /** The client's own counters now (keyslot's `conn.stats()`). */
  clientStats(): unknown;
  /** Commands pending now (inside the client when it tells, else unsettled in the load). */
  pending(): number;
}

/** What a scenario's fault step reports. */
export interface FaultReport {
  /** The onset of the fault; recovery is measured from it. */
  faultAt: number;
  /** Callers whose keys the fault hits (by index); their recovery is measured. */
  affected: readonly boolean[];
  /** Named moments (ms since the epoch), e.g. `promotedAt`; reported relative to `faultAt`. */
  marks?: Record<string, number>;
  notes?: Record<string, unknown>;
}

export interface ScenarioDefinition {
  id: ScenarioId;
  /** The number in the list, e.g. "6a". */
  number: string;
  title: string;
  cluster?: StartClusterOptions;
  /** The command deadline of the client under test; default: the client's own (keyslot: 5 s). */
  commandTimeoutMs?: number;
  /** Reads from replicas (keyslot `readFrom: 'replica'`). Default: primaries. */
  readFrom?: 'replica';
  /** More settings of the client under test: TLS, a credentials provider (keyslot only). */
  client?(cluster: DevCluster): Pick<ClientSettings, 'tlsCa' | 'credentials'>;
  /** Pub/sub streams published and received on the connection under test all along (keyslot only). */
  pubsub?(cluster: DevCluster): PubSubPlan;
  /** Measured on keyslot only (the peers have no equivalent of what it exercises). */
  keyslotOnly?: boolean;
  /** Recovery is when each affected caller's first INCR after the onset is acknowledged (faults that stop writes only). */
  recoverOn?: 'writes';
  /** Put a TcpProxy in front of every node and point the client at them with `natMap`. */
  viaProxies?: boolean;
  /**
   * Add a flood of fire-and-forget reads to the callers, from before the fault to the end: `true` for 2,000 per
   * 50 ms, or a number of reads per second (sent every 50 ms).
   */
  flood?: boolean | number;
  /** keyslot's `maxPending` in this scenario, when not the suite's (`default`: the client's own, 100,000). */
  maxPending?: number | 'default';
  /**
   * Callers confirm each acknowledged INCR with WAIT on its primary (see durability.ts), so that acknowledged writes
   * a SIGKILL must not lose can be told from those asynchronous replication may lose. keyslot only.
   */
  durable?: boolean;
  /** One key per caller; by default spread evenly over the slot space. */
  keys(cluster: DevCluster, settings: ChaosSettings): string[];
  /** Runs once the client is connected and before the load starts (e.g. data for a slot move). */
  prepare?(context: ScenarioContext): Promise<void>;
  /** Produces the fault, and its repair when it has one (resume, restart, restore). */
  fault(context: ScenarioContext): Promise<FaultReport>;
  /** Recovery is also reported from this mark (e.g. `promotedAt`), with this label. */
  recoveryMark?: { mark: string; label: string };
}

export interface ScenarioResult {
  id: ScenarioId;
  number: string;
  title: string;
  client: ClientKind;
  mode: ChaosSettings['mode'];
  callers: number;
  affectedCallers: number;
  /** Commands issued by callers and the flood, and how they ended. */
  issued: number;
  succeeded: number;
  failed: number;
  /** Errors that reached the callers, and by label. */
  callerErrors: number;
  failures: Record<string, number>;
  /** Flood commands that failed, by label (scenarios with a flood). */
  floodFailures: Record<string, number>;
  errorExamples: Record<string, string>;
  /** Commands issued but not settled once the load had stopped and their deadlines had passed. */
  unsettled: number;
  /** Pending commands at the end: keyslot's `conn.stats().pending`; for the peers, issued and not settled. */
  pendingAtEnd: number;
  writes: { acked: number; outcomeUnknown: number; failed: number };
  readsFailed: number;
  /** Errors that reached callers whose keys the fault did not hit (healthy shards). */
  unaffectedCallerErrors: number;
  /** The longest a caller's failed command took to fail, by label (ms). */
  slowestFailureMs: Record<string, number>;
  /** Each pub/sub stream's messages (scenarios with `pubsub`). */
  pubsub: StreamFigures[];
  lostAcked: number;
  /** Acknowledged INCRs lost although a WAIT had confirmed them on a replica (scenarios with `durable`). */
  lostConfirmed: number;
  /** Acknowledged INCRs a WAIT confirmed on a replica. */
  confirmedWrites: number;
  duplicates: number;
  /** A loss reached below the values the audit keeps per key: the loss figures are lower bounds. */
  lossBeyondWindow: boolean;
  keysWithLoss: number;
  keysWithDuplicates: number;
  /** From the fault until every affected caller was served again (ms). */
  recoveryMs: number | undefined;
  /** The same moment, from `recoveryMark`. */
  recoveryAfterMark: { label: string; ms: number } | undefined;
  marks: Record<string, number>;
  maxPending: number;
  peakPending: number;
  peakRssBytes: number;
  peakHeapUsedBytes: number;
  heapBeforeBytes: number;
  /** Largest live heap measured during the fault, minus the one before it. */
  heapGrowthBytes: number;
  floodIssued: number;
  /** The client's own counters (keyslot's `conn.stats()`). */
  stats: unknown;
  notes: Record<string, unknown>;
  durationMs: number;
  /** The first step that went wrong, if one did (the figures are still what was measured). */
  error: string | undefined;
}

const FLOOD = { perTick: 2_000, intervalMs: 50, keySpace: 10_000 };
/** keyslot's default `maxPending`. */
const DEFAULT_MAX_PENDING = 100_000;

/** Runs `definition` with `kind` on a fresh 3+3 cluster (unless it asks for another) and returns its figures. */
export async function runScenario(
  definition: ScenarioDefinition,
  settings: ChaosSettings,
  kind: ClientKind = 'keyslot',
  log: (line: string) => void = () => {},
): Promise<ScenarioResult> {
  const startedAt = Date.now();
  const say = (line: string) =>
    log(`[${definition.number} ${definition.id} ${kind}] +${Date.now() - startedAt} ms ${line}`);
  const cluster = await startCluster({ primaries: 3, replicasPerPrimary: 1, ...definition.cluster });
  const proxies = new Map<string, TcpProxy>();
  let client: ClientUnderTest | undefined;
  let direct: ClusterConnection | undefined;
  let sampler: Sampler | undefined;
  let load: CallerLoad | undefined;
  let flood: ReturnType<typeof startFlood> | undefined;
  const ledger = new CommandLedger();
  const floodLedger = new CommandLedger();
  const confirmLedger = new CommandLedger();
  const publishLedger = new CommandLedger();
  let pubsub: PubSubLoad | undefined;
  const unsettled = () =>
    ledger.unsettled + floodLedger.unsettled + confirmLedger.unsettled + publishLedger.unsettled;
  const maxPending =
    definition.maxPending === 'default'
      ? DEFAULT_MAX_PENDING
      : (definition.maxPending ?? settings.maxPending);
  const deadline = definition.commandTimeoutMs ?? 5_000;
  const result: ScenarioResult = {
    id: definition.id,
    number: definition.number,
    title: definition.title,
    client: kind,
    mode: settings.mode,
    callers: settings.callers,
    affectedCallers: 0,
    issued: 0,
    succeeded: 0,
    failed: 0,
    callerErrors: 0,
    failures: {},
    floodFailures: {},
    errorExamples: {},
    unsettled: 0,
    pendingAtEnd: 0,
    writes: { acked: 0, outcomeUnknown: 0, failed: 0 },
    readsFailed: 0,
    unaffectedCallerErrors: 0,
    slowestFailureMs: {},
    pubsub: [],
    lostAcked: 0,
    lostConfirmed: 0,
    confirmedWrites: 0,
    duplicates: 0,
    lossBeyondWindow: false,
    keysWithLoss: 0,
    keysWithDuplicates: 0,
    recoveryMs: undefined,
    recoveryAfterMark: undefined,
    marks: {},
    maxPending,
    peakPending: 0,
    peakRssBytes: 0,
    peakHeapUsedBytes: 0,
    heapBeforeBytes: 0,
    heapGrowthBytes: 0,
    floodIssued: 0,
    stats: undefined,
    notes: {},
    durationMs: 0,
    error: undefined,
  };
  const step = async <T>(what: string, work: () => Promise<T>): Promise<T | undefined> => {
    if (result.error !== undefined) return undefined;
    try {
      return await work();
    } catch (error) {
      result.error = `${what}: ${(error as Error).message}`;
      say(`FAILED ${result.error}`);
      return undefined;
    }
  };
  try {
    say(`cluster ${cluster.seeds.join(',')}`);
    let seeds = cluster.seeds;
    let natMap: NatMap | undefined;
    if (definition.viaProxies) {
      natMap = {};
      for (const node of cluster.nodes) {
        const proxy = await TcpProxy.start({ host: node.host, port: node.port });
        proxies.set(node.address, proxy);
        natMap[node.address] = { host: '127.0.0.1', port: proxy.port };
      }
      seeds = [...proxies.values()].map((proxy) => proxy.address);
    }
    const keys = definition.keys(cluster, settings);
    const tls = cluster.tls ? { tls: { ca: cluster.tls.ca } } : {};
    const directConn = await new ClusterClient(cluster.seeds, tls).getConnection();
    direct = directConn;
    const under = await openClient(kind, {
      seeds,
      natMap,
      readFrom: definition.readFrom ?? 'primary',
      commandTimeoutMs: definition.commandTimeoutMs,
      maxPending,
      ...definition.client?.(cluster),
    });
    client = under;
    const pending = under.pending ?? unsettled;
    const heapSamples: number[] = [];
    const confirmer =
      definition.durable && under.waitOn
        ? new WriteConfirmer(cluster, under.waitOn, confirmLedger)
        : undefined;
    const context: ScenarioContext = {
      cluster,
      settings,
      keys,
      direct: directConn,
      get load(): CallerLoad {
        if (!load) throw new Error('the load has not started');
        return load;
      },
      proxies,
      confirmer,
      measureHeap: () => heapSamples.push(liveHeapBytes()),
      clientStats: () => under.stats(),
      pending: () => pending(),
    };
    if (definition.prepare) await step('prepare', () => definition.prepare!(context));
    if (definition.pubsub) {
      if (!under.pubsub) throw new Error(`${kind} has no pub/sub in this suite`);
      const streams = new PubSubLoad(under.pubsub, publishLedger, definition.pubsub(cluster));
      pubsub = streams;
      await step('subscribe', () => streams.start());
    }
    // Start the memory figures from a clean heap: garbage of earlier scenarios (or clients) is not this one's.
    liveHeapBytes();
    sampler = new Sampler(pending);
    const callers = startCallers(under.target, ledger, {
      keys,
      maxDurationMs: settings.maxLoadMs,
      maxCommandsPerCaller: 10_000_000,
      maybeApplied: (error) => under.maybeApplied(error),
      confirmWrite: confirmer?.confirm,
    });
    load = callers;
    const loadStartedAt = Date.now();
    await step('warm-up', () =>
      cluster.waitFor(
        () => Date.now() - loadStartedAt >= settings.warmupMs && callers.acked.every((n) => n > 0),
        { timeoutMs: settings.warmupMs + 30_000, message: 'every caller to be acknowledged once' },
      ),
    );
    result.heapBeforeBytes = liveHeapBytes();
    if (definition.flood) {
      const perTick =
        definition.flood === true ? FLOOD.perTick : Math.round((definition.flood * FLOOD.intervalMs) / 1000);
      flood = startFlood(under.target, floodLedger, {
        ...FLOOD,
        perTick,
        // A rate the scenario asks for is kept on a busy machine.
        catchUp: definition.flood !== true,
        maxDurationMs: settings.maxLoadMs,
      });
    }
    say(`warm, ${callers.totalAcked()} INCRs acknowledged; fault`);
    const writesOnly = definition.recoverOn === 'writes';
    const fault = await step('fault', () => definition.fault(context));
    if (fault) {
      result.affectedCallers = fault.affected.filter(Boolean).length;
      result.marks = Object.fromEntries(
        Object.entries(fault.marks ?? {}).map(([name, at]) => [name, at - fault.faultAt]),
      );
      result.notes = { ...fault.notes };
      say(`fault over (${JSON.stringify(result.marks)}); waiting for recovery`);
      await step('recovery', () =>
        cluster.waitFor(() => callers.recovered(fault.affected, writesOnly), {
          timeoutMs: settings.recoveryTimeoutMs,
          message: () =>
            `every affected caller to be served again (${fault.affected.filter((hit, i) => hit && callers.recoveredAt[i] === 0).length} of ${result.affectedCallers} not yet)`,
        }),
      );
      result.recoveryMs = callers.recoveryMs(fault.affected, writesOnly);
      const mark = definition.recoveryMark;
      const markAt = mark ? fault.marks?.[mark.mark] : undefined;
      if (mark && markAt !== undefined && result.recoveryMs !== undefined) {
        result.recoveryAfterMark = { label: mark.label, ms: fault.faultAt + result.recoveryMs - markAt };
      }
      const before = [...callers.acked];
      const recoveredAt = Date.now();
      await step('steady state', () =>
        cluster.waitFor(
          () =>
            Date.now() - recoveredAt >= settings.afterRecoveryMs &&
            callers.acked.every((n, i) => n >= before[i]! + settings.roundsAfterRecovery),
          {
            timeoutMs: settings.afterRecoveryMs + 30_000,
            message: `every caller to be acknowledged ${settings.roundsAfterRecovery} more times`,
          },
        ),
      );
    }
    if (heapSamples.length > 0) result.heapGrowthBytes = Math.max(...heapSamples) - result.heapBeforeBytes;
    if (pubsub) {
      const streams = pubsub;
      await streams.stop();
      // Messages are pushed as they are published: give the last ones a moment to arrive (lost ones never do).
      await cluster
        .waitFor(() => streams.allDelivered(), { timeoutMs: 2_000, message: 'the last messages' })
        .catch(() => {});
      result.pubsub = streams.figures();
    }
    say('stopping the load');
    flood?.stop();
    // Every command has a deadline: once it has passed, nothing may still be pending. A promise that never
    // settles must not hang the run: it is counted instead.
    const settled = cluster
      .waitFor(() => unsettled() === 0 && pending() === 0, {
        timeoutMs: deadline + 5_000,
        message: 'every issued command to settle',
      })
      .catch(() => {});
    await Promise.race([callers.stop().then(() => settled), settled]);
    result.unsettled = unsettled();
    result.pendingAtEnd = pending();
    const peaks = sampler.stop();
    result.peakPending = peaks.pending;
    result.peakRssBytes = peaks.rssBytes;
    result.peakHeapUsedBytes = peaks.heapUsedBytes;
    result.floodIssued = flood?.issued() ?? 0;
    result.issued = ledger.issued + floodLedger.issued;
    result.succeeded = ledger.succeeded + floodLedger.succeeded;
    result.failed = ledger.failed + floodLedger.failed;
    result.callerErrors = ledger.failed;
    result.failures = ledger.failuresByLabel();
    result.slowestFailureMs = Object.fromEntries(ledger.slowestFailureMs);
    result.floodFailures = floodLedger.failuresByLabel();
    result.errorExamples = Object.fromEntries([...floodLedger.examples, ...ledger.examples]);
    result.writes = {
      acked: callers.totalAcked(),
      outcomeUnknown: sum(callers.unknown),
      failed: sum(callers.writeFailed),
    };
    result.readsFailed = sum(callers.readFailed);
    if (fault) {
      result.unaffectedCallerErrors = sum(
        fault.affected.map((hit, i) =>
          hit ? 0 : callers.unknown[i]! + callers.writeFailed[i]! + callers.readFailed[i]!,
        ),
      );
    }
    await step('audit', async () => {
      const values = await readCounters(directConn, keys);
      Object.assign(result, auditIncrs(callers.audits, values));
      result.confirmedWrites = sum(callers.confirmed);
    });
    result.stats = under.stats();
    await step('close', () => within(10_000, under.close(), 'close() did not finish within 10 s'));
    say(`done: ${result.issued} commands, ${result.failed} failed, recovery ${result.recoveryMs} ms`);
  } catch (error) {
    result.error ??= (error as Error).message;
  } finally {
    flood?.stop();
    void pubsub?.stop();
    sampler?.stop();
    if (load) {
      // Only reached with an unexpected error: the callers must not outlive the scenario.
      void load.stop();
    }
    client?.destroy();
    direct?.destroy();
    await Promise.all([...proxies.values()].map((proxy) => proxy.close()));
    await cluster.stop();
    result.durationMs = Date.now() - startedAt;
  }
  return result;
}

/** `promise`, or a rejection with `message` once `ms` have passed. */
function within<T>(ms: number, promise: Promise<T>, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** The callers' counters, read in batches of 100 keys (MGET is split per slot by the client). */
export async function readCounters(
  conn: ClusterConnection,
  keys: readonly string[],
): Promise<(string | null)[]> {
  const values: (string | null)[] = [];
  for (let i = 0; i < keys.length; i += 100) values.push(...(await conn.mget(keys.slice(i, i + 100))));
  return values;
}
