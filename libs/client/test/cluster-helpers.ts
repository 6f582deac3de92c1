// Shared helpers of the cluster-*.test.ts suites: keys in a chosen slot or on a chosen node, server-side
// command counters, free ports and a silent server. Faults on the network path come from `TcpProxy`
// (@keyslot/dev-cluster).
import { createServer, type Socket } from 'node:net';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { DevCluster, DevClusterNode } from '@keyslot/dev-cluster';
import calculateSlot from 'cluster-key-slot';

export { calculateSlot as slotOf };

const keysBySlot = new Map<string, string[]>();

/** `count` distinct keys (`prefix` + n) whose hash slot is `slot`. */
export function keysInSlot(slot: number, count = 1, prefix = 'k'): string[] {
  const cacheKey = `${prefix}|${slot}`;
  const found = keysBySlot.get(cacheKey) ?? [];
  for (
    let i = found.length === 0 ? 0 : Number(found.at(-1)!.slice(prefix.length)) + 1;
    found.length < count;
    i++
  ) {
    const key = `${prefix}${i}`;
    if (calculateSlot(key) === slot) found.push(key);
  }
  keysBySlot.set(cacheKey, found);
  return found.slice(0, count);
}

/** A hash tag (`{...}`) whose slot is served by `node` (as of the cluster's last refresh). */
export function tagOn(cluster: DevCluster, node: DevClusterNode, seed = 'tag'): string {
  // A node without slots has no tag: fail rather than search forever.
  if (node.slots.length === 0) throw new Error(`tagOn: ${node.address} serves no slot`);
  for (let i = 0; ; i++) {
    const tag = `{${seed}${i}}`;
    if (cluster.ownerOf(calculateSlot(tag))?.id === node.id) return tag;
  }
}

/** Keys spread over every primary: `count` keys named `prefix` + n. */
export function spreadKeys(count: number, prefix = 'key:'): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${i}`);
}

/** INFO commandstats of one node, as `command → calls` (`cluster|shards`, `get`...). */
export async function commandCalls(cluster: DevCluster, node: DevClusterNode): Promise<Map<string, number>> {
  const text = String(await cluster.admin(node, 'INFO', 'commandstats'));
  const calls = new Map<string, number>();
  for (const match of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls.set(match[1]!, Number(match[2]));
  return calls;
}

/** Calls of one command on one node. */
export async function callsOf(cluster: DevCluster, node: DevClusterNode, command: string): Promise<number> {
  return (await commandCalls(cluster, node)).get(command) ?? 0;
}

/** A server that accepts connections and never answers. */
export async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Resolves on the next macrotask turn (lets queued I/O run). */
export function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Elapsed ms of `work`. */
export async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await work();
  return { value, ms: performance.now() - start };
}

/** Settles `promise` and reports how, without throwing. */
export async function settle<T>(
  promise: Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: Error & { code?: string } }> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, error: error as Error & { code?: string } };
  }
}

/** What `startIncrLoad` measured. */
export interface IncrLoad {
  readonly keys: readonly string[];
  /** Acknowledged INCRs per caller. */
  readonly acked: number[];
  /** INCRs whose outcome is unknown per caller (OutcomeUnknownError, or a timeout: either may have run). */
  readonly unknown: number[];
  /** Every other error per caller (they cannot have run). */
  readonly failed: number[];
  /** Time of each caller's last acknowledgement. */
  readonly lastAckAt: number[];
  /** Errors by class and message (node addresses and numbers masked), with counts. */
  readonly errorKinds: Map<string, number>;
  /** Time of every error, for the recovery figures. */
  readonly errorTimes: number[];
  readonly totalAcked: () => number;
  readonly totalErrors: () => number;
  /** Stops the callers and waits until every one of their commands has settled. */
  stop(): Promise<void>;
}

/** `keys.length` concurrent callers, each INCRing its own key in a loop until `stop()`. */
export function startIncrLoad(
  conn: { incr(key: string): Promise<unknown> },
  keys: readonly string[],
): IncrLoad {
  let running = true;
  const acked = keys.map(() => 0);
  const unknown = keys.map(() => 0);
  const failed = keys.map(() => 0);
  const lastAckAt = keys.map(() => 0);
  const errorKinds = new Map<string, number>();
  const errorTimes: number[] = [];
  const callers = keys.map(async (key, i) => {
    while (running) {
      try {
        await conn.incr(key);
        acked[i]!++;
        lastAckAt[i] = Date.now();
      } catch (error) {
        const e = error as Error & { code?: string };
        if (e.code === 'ERR_KEYSLOT_OUTCOME_UNKNOWN' || e.code === 'ERR_KEYSLOT_TIMEOUT') unknown[i]!++;
        else failed[i]!++;
        errorTimes.push(Date.now());
        const kind = `${e.name}: ${e.message.replace(/\d+(\.\d+)*/g, 'N')}`;
        errorKinds.set(kind, (errorKinds.get(kind) ?? 0) + 1);
        await tick(); // an error that comes back at once must not turn the loop into a busy one
      }
    }
  });
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  return {
    keys,
    acked,
    unknown,
    failed,
    lastAckAt,
    errorKinds,
    errorTimes,
    totalAcked: () => sum(acked),
    totalErrors: () => sum(unknown) + sum(failed),
    stop: async () => {
      running = false;
      await Promise.all(callers);
    },
  };
}

/** Compares server values with what the callers saw: duplicates (more than could have run) and lost acks. */
export function auditIncrs(load: IncrLoad, values: readonly (string | null)[]) {
  let duplicates = 0;
  let lostAcks = 0;
  let keysWithLoss = 0;
  load.keys.forEach((_, i) => {
    const value = Number(values[i] ?? 0);
    const most = load.acked[i]! + load.unknown[i]!;
    if (value > most) duplicates += value - most;
    if (value < load.acked[i]!) {
      lostAcks += load.acked[i]! - value;
      keysWithLoss++;
    }
  });
  return { duplicates, lostAcks, keysWithLoss };
}

let collectGarbage: (() => void) | undefined;

/** Heap in use after a full collection, so garbage does not count. */
export function liveHeap(): number {
  if (collectGarbage === undefined) {
    v8.setFlagsFromString('--expose-gc');
    collectGarbage = vm.runInNewContext('gc') as () => void;
  }
  collectGarbage();
  return process.memoryUsage().heapUsed;
}
