// The two forms of the suite: the short one that runs in `npm test`, and the full one (`CHAOS_FULL=1`).
import { CLIENT_KINDS, type ClientKind } from './clients.js';

/** Scenario ids, in the order they run. */
export const SCENARIO_IDS = [
  'sigkill',
  'failover',
  'reshard',
  'outage',
  'stall',
  'cut',
  'blackhole',
  'half-open',
  'new-primary',
  'replicas-removed',
  'pubsub-failover',
  'pubsub-reshard',
  'replica-reads-kill',
  'replica-reads-failover',
  'credentials',
  'oom',
  'sigkill-tls',
] as const;
export type ScenarioId = (typeof SCENARIO_IDS)[number];

export interface ChaosSettings {
  mode: 'short' | 'full';
  /** Concurrent callers on the one ClusterConnection. */
  callers: number;
  scenarios: ScenarioId[];
  /** keyslot, then the peers asked for with CHAOS_PEERS (figures only: the bounds are keyslot's). */
  clients: ClientKind[];
  /** Slots moved with their keys in `reshard`, and to the new primary in `new-primary`. */
  movedSlots: number;
  /** Keys written into each slot to be moved, so MIGRATE carries real data. */
  fillerKeysPerSlot: number;
  /** `outage`: how long every node stays down. */
  outageMs: number;
  /** `stall`: how long the node is stopped with SIGSTOP; longer than `shortDeadlineMs`. */
  stallMs: number;
  /** `blackhole` and `half-open`: how long the proxy swallows bytes; longer than `shortDeadlineMs`. */
  blackholeMs: number;
  /** Command deadline in `stall`, `blackhole` and `half-open` (default elsewhere: the client's 5 s). */
  shortDeadlineMs: number;
  /** `maxPending` of the connection: the memory bound asserted in `outage` and `stall`. */
  maxPending: number;
  /** The load runs at least this long before the fault. */
  warmupMs: number;
  /** After recovery, the load goes on at least this long, and until every caller has `roundsAfterRecovery` more
   * acknowledged INCRs. */
  afterRecoveryMs: number;
  roundsAfterRecovery: number;
  /** Load loops end by themselves after this long, whatever happens. */
  maxLoadMs: number;
  /** Most time for the affected callers to be served again after the fault. */
  recoveryTimeoutMs: number;
  /** Generous bound on live heap growth during `outage` and `stall`. */
  maxHeapGrowthBytes: number;
}

/**
 * Reads the form from the environment: `CHAOS_FULL=1` for the full suite; CHAOS_CALLERS and CHAOS_SCENARIOS narrow
 * it; CHAOS_PEERS (`ioredis,ioredis-autopipe,node-redis` or `all`) adds the peers from bench/node_modules.
 */
export function chaosSettings(env: NodeJS.ProcessEnv = process.env): ChaosSettings {
  const full = env.CHAOS_FULL === '1' || env.CHAOS_FULL === 'true';
  const base: ChaosSettings = full
    ? {
        mode: 'full',
        callers: 500,
        scenarios: [...SCENARIO_IDS],
        clients: ['keyslot'],
        movedSlots: 1000,
        fillerKeysPerSlot: 10,
        outageMs: 10_000,
        stallMs: 3_000,
        blackholeMs: 3_000,
        shortDeadlineMs: 2_000,
        maxPending: 10_000,
        warmupMs: 2_000,
        afterRecoveryMs: 3_000,
        roundsAfterRecovery: 5,
        maxLoadMs: 180_000,
        recoveryTimeoutMs: 30_000,
        maxHeapGrowthBytes: 64 * 1024 * 1024,
      }
    : {
        mode: 'short',
        callers: 100,
        scenarios: [...SCENARIO_IDS],
        clients: ['keyslot'],
        movedSlots: 100,
        fillerKeysPerSlot: 5,
        outageMs: 10_000,
        stallMs: 3_000,
        blackholeMs: 3_000,
        shortDeadlineMs: 2_000,
        maxPending: 10_000,
        warmupMs: 1_000,
        afterRecoveryMs: 1_000,
        roundsAfterRecovery: 3,
        maxLoadMs: 90_000,
        recoveryTimeoutMs: 30_000,
        maxHeapGrowthBytes: 64 * 1024 * 1024,
      };
  if (env.CHAOS_CALLERS) base.callers = positiveInteger(env.CHAOS_CALLERS, 'CHAOS_CALLERS');
  if (env.CHAOS_SCENARIOS) {
    const wanted = env.CHAOS_SCENARIOS.split(',').map((s) => s.trim());
    for (const id of wanted) {
      if (!(SCENARIO_IDS as readonly string[]).includes(id)) {
        throw new Error(`CHAOS_SCENARIOS: unknown scenario '${id}' (known: ${SCENARIO_IDS.join(', ')})`);
      }
    }
    base.scenarios = SCENARIO_IDS.filter((id) => wanted.includes(id));
  }
  if (env.CHAOS_PEERS) {
    const peers = CLIENT_KINDS.filter((kind) => kind !== 'keyslot');
    const wanted = env.CHAOS_PEERS === 'all' ? peers : env.CHAOS_PEERS.split(',').map((s) => s.trim());
    for (const name of wanted) {
      if (!(peers as readonly string[]).includes(name)) {
        throw new Error(`CHAOS_PEERS: unknown client '${name}' (known: ${peers.join(', ')}, or all)`);
      }
    }
    base.clients = ['keyslot', ...peers.filter((kind) => wanted.includes(kind))];
  }
  return base;
}

function positiveInteger(text: string, name: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name} must be a positive integer, got '${text}'`);
  return value;
}
