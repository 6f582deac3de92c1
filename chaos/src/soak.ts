// A soak: one cluster, one client, the callers' load for as long as asked, and faults drawn at random from the
// suite one after another (each kind once per round, in a random order). After each fault every caller must be
// served again and the live heap must be back to its baseline; at the end, every promise settled and the exact
// audit of every key (see audit.ts).
import { ClusterClient, type ClusterConnection } from '@keyslot/client';
import { type DevCluster, startCluster, TcpProxy } from '@keyslot/dev-cluster';
import { auditIncrs, emptyAudit, type IncrAudit } from './audit.js';
import { WriteConfirmer } from './durability.js';
import { callerKeys, spreadSlots } from './keys.js';
import { CommandLedger } from './ledger.js';
import { startCallers, sum } from './load.js';
import { readCounters } from './run-scenario.js';
import { liveHeapBytes, MB } from './sampler.js';
import { SOAK_FAULTS, type SoakContext } from './soak-faults.js';

/** How a soak runs. */
export interface SoakSettings {
  durationMs: number;
  callers: number;
  /** Seed of the draw; the same seed draws the same faults in the same order. */
  seed: number;
}

/** One fault of the soak and what followed it. */
export interface SoakRound {
  fault: string;
  detail: string;
  startedAt: number;
  /** From the repair until every caller was acknowledged an INCR issued after it (ms). */
  servedAgainMs: number | undefined;
  /** Live heap (after a full GC) once the callers were served again, minus the baseline. */
  heapAboveBaselineBytes: number;
  /** Caller errors during the round, by label. */
  errors: Record<string, number>;
  error: string | undefined;
}

export interface SoakResult extends IncrAudit {
  settings: SoakSettings;
  rounds: SoakRound[];
  baselineHeapBytes: number;
  issued: number;
  succeeded: number;
  acked: number;
  confirmedWrites: number;
  outcomeUnknown: number;
  unsettled: number;
  pendingAtEnd: number;
  durationMs: number;
  error: string | undefined;
}

/** How long the callers may take to be served again after a repair. */
const SERVED_AGAIN_TIMEOUT_MS = 30_000;
/** The load goes on this long after each recovery before the heap is measured and the next fault drawn. */
const STEADY_MS = 2_000;
const TOKEN_TTL_MS = 5_000;
/** Acknowledged values kept per key for the loss audit. */
const AUDIT_WINDOW = 512;

/** A small seeded PRNG (mulberry32): the draw is reproducible from the seed. */
function seeded(seed: number): (n: number) => number {
  let state = seed >>> 0;
  return (n) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

export async function runSoak(settings: SoakSettings, log: (line: string) => void): Promise<SoakResult> {
  const startedAt = Date.now();
  const random = seeded(settings.seed);
  const passwords = ['Soak-0-never-print'];
  const cluster: DevCluster = await startCluster({
    primaries: 3,
    replicasPerPrimary: 1,
    // Acknowledged writes must survive a full restart for the audit to mean anything (as in the outage fault).
    extraConfig: ['appendonly yes', 'appendfsync always', `user soak on >${passwords[0]} ~* &* +@all`],
  });
  const proxies = new Map<string, TcpProxy>();
  const ledger = new CommandLedger();
  const confirmLedger = new CommandLedger();
  let conn: ClusterConnection | undefined;
  let direct: ClusterConnection | undefined;
  const result: SoakResult = {
    settings,
    rounds: [],
    baselineHeapBytes: 0,
    issued: 0,
    succeeded: 0,
    acked: 0,
    confirmedWrites: 0,
    outcomeUnknown: 0,
    unsettled: 0,
    pendingAtEnd: 0,
    durationMs: 0,
    error: undefined,
    ...emptyAudit(),
  };
  try {
    const natMap: Record<string, { host: string; port: number }> = {};
    for (const node of cluster.nodes) {
      const proxy = await TcpProxy.start({ host: node.host, port: node.port });
      proxies.set(node.address, proxy);
      natMap[node.address] = { host: '127.0.0.1', port: proxy.port };
    }
    let current = passwords[0]!;
    const client = await new ClusterClient(
      [...proxies.values()].map((proxy) => proxy.address),
      {
        natMap,
        credentials: async () => ({
          username: 'soak',
          password: current,
          expiresAt: Date.now() + TOKEN_TTL_MS,
        }),
      },
    ).getConnection({ commandTimeoutMs: 2_000, maxPending: 10_000 });
    conn = client;
    direct = await new ClusterClient(cluster.seeds).getConnection();
    const confirmer = new WriteConfirmer(
      cluster,
      (address, replicas, timeoutMs) =>
        client.onNode<number>(address, { name: 'WAIT', args: [replicas, timeoutMs] }),
      confirmLedger,
      (node) => proxies.get(node.address)!.address,
    );
    const keys = callerKeys('soak', spreadSlots(settings.callers), settings.callers);
    const callers = startCallers(client, ledger, {
      keys,
      maxDurationMs: settings.durationMs + 120_000,
      maxCommandsPerCaller: Number.MAX_SAFE_INTEGER,
      maybeApplied: (error) =>
        ['ERR_KEYSLOT_OUTCOME_UNKNOWN', 'ERR_KEYSLOT_TIMEOUT'].includes(
          (error as { code?: string })?.code ?? '',
        ),
      confirmWrite: confirmer.confirm,
      auditWindow: AUDIT_WINDOW,
    });
    const context: SoakContext = {
      cluster,
      proxies,
      confirmer,
      random,
      rotatePassword: async () => {
        const next = `Soak-${passwords.length}-never-print`;
        passwords.push(next);
        // Into redis.conf too: a node restarted later (kill, outage) must not come back with an older password.
        await Promise.all(
          cluster.nodes.map(async (node) => {
            await cluster.admin(node, 'ACL', 'SETUSER', 'soak', 'resetpass', `>${next}`);
            await cluster.admin(node, 'CONFIG', 'REWRITE');
          }),
        );
        current = next;
      },
    };
    await cluster.waitFor(() => callers.acked.every((n) => n > 0), {
      timeoutMs: 30_000,
      message: 'every caller to be acknowledged once',
    });
    const steadyUntil = Date.now() + STEADY_MS;
    await cluster.waitFor(() => Date.now() >= steadyUntil, {
      timeoutMs: STEADY_MS + 5_000,
      message: 'warm-up',
    });
    result.baselineHeapBytes = liveHeapBytes();
    log(
      `soak: seed ${settings.seed}, ${settings.callers} callers, baseline live heap ${(result.baselineHeapBytes / MB).toFixed(1)} MB`,
    );
    let bag: string[] = [];
    while (Date.now() - startedAt < settings.durationMs) {
      if (bag.length === 0) bag = Object.keys(SOAK_FAULTS);
      const name = bag.splice(random(bag.length), 1)[0]!;
      const errorsBefore = new Map(ledger.failures);
      const round: SoakRound = {
        fault: name,
        detail: '',
        startedAt: Date.now() - startedAt,
        servedAgainMs: undefined,
        heapAboveBaselineBytes: 0,
        errors: {},
        error: undefined,
      };
      result.rounds.push(round);
      try {
        const { repairedAt, detail } = await SOAK_FAULTS[name]!(context);
        round.detail = detail;
        callers.markFault(repairedAt);
        await cluster.waitFor(() => callers.recovered(undefined, true), {
          timeoutMs: SERVED_AGAIN_TIMEOUT_MS,
          message: 'every caller to be acknowledged again after the repair',
        });
        round.servedAgainMs = callers.recoveryMs(undefined, true);
        await cluster.waitUntilReady();
        const until = Date.now() + STEADY_MS;
        await cluster.waitFor(() => Date.now() >= until, {
          timeoutMs: STEADY_MS + 5_000,
          message: 'steady state',
        });
        round.heapAboveBaselineBytes = liveHeapBytes() - result.baselineHeapBytes;
      } catch (error) {
        round.error = (error as Error).message;
      }
      for (const [label, count] of ledger.failures) {
        const added = count - (errorsBefore.get(label) ?? 0);
        if (added > 0) round.errors[label] = added;
      }
      log(
        `soak +${Math.round((Date.now() - startedAt) / 1000)} s: ${name} (${round.detail}) served again ${round.servedAgainMs ?? 'never'} ms, heap ${(round.heapAboveBaselineBytes / MB).toFixed(1)} MB above baseline, errors ${JSON.stringify(round.errors)}${round.error ? `, FAILED: ${round.error}` : ''}`,
      );
      if (round.error) break;
    }
    const pendingNow = () => client.stats().pending;
    await callers.stop();
    await cluster
      .waitFor(() => ledger.unsettled + confirmLedger.unsettled === 0 && pendingNow() === 0, {
        timeoutMs: 10_000,
        message: 'every command to settle',
      })
      .catch(() => {});
    result.unsettled = ledger.unsettled + confirmLedger.unsettled;
    result.pendingAtEnd = pendingNow();
    result.issued = ledger.issued;
    result.succeeded = ledger.succeeded;
    result.acked = callers.totalAcked();
    result.confirmedWrites = sum(callers.confirmed);
    result.outcomeUnknown = sum(callers.unknown);
    Object.assign(result, auditIncrs(callers.audits, await readCounters(direct, keys)));
  } catch (error) {
    result.error = (error as Error).message;
  } finally {
    conn?.destroy();
    direct?.destroy();
    await Promise.all([...proxies.values()].map((proxy) => proxy.close()));
    await cluster.stop();
    result.durationMs = Date.now() - startedAt;
  }
  return result;
}
