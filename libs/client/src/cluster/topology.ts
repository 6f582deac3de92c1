import type { NatMap } from './cluster-options.js';

/** Hash slots in a Redis Cluster. */
export const SLOT_COUNT = 16384;

/** `Topology#slotOwner` of a slot that no shard serves. */
export const NO_OWNER = -1;

/** One node as the cluster describes it. */
export interface NodeInfo {
  id: string;
  host: string;
  port: number;
  /** `host:port`, after NAT mapping. */
  address: string;
}

/** A primary, its replicas and the slot ranges it serves. */
export interface Shard {
  primary: NodeInfo;
  replicas: NodeInfo[];
  /** Inclusive `[start, end]` ranges. */
  slots: [number, number][];
}

/** The whole slot map: which shard serves each slot. */
export class Topology {
  /** Index into `shards` for each slot; `NO_OWNER` when no shard serves it. */
  readonly slotOwner = new Int16Array(SLOT_COUNT).fill(NO_OWNER);
  /** A string equal for equal topologies, to compare views of several nodes. */
  readonly fingerprint: string;

  constructor(readonly shards: Shard[]) {
    shards.forEach((shard, index) => {
      for (const [start, end] of shard.slots) this.slotOwner.fill(index, start, end + 1);
    });
    this.fingerprint = shards
      .map(
        (s) =>
          `${s.primary.address}[${s.slots.map((r) => r.join('-')).join(',')}]<${s.replicas
            .map((r) => r.address)
            .sort()
            .join(',')}>`,
      )
      .sort()
      .join(';');
  }

  /** Slots served by some shard. */
  get coveredSlots(): number {
    let covered = 0;
    for (let slot = 0; slot < SLOT_COUNT; slot++) if (this.slotOwner[slot] !== NO_OWNER) covered++;
    return covered;
  }

  shardFor(slot: number): Shard | undefined {
    const index = this.slotOwner[slot]!;
    return index === NO_OWNER ? undefined : this.shards[index];
  }

  /** Every node address, primaries first. */
  addresses(): string[] {
    return [
      ...this.shards.map((s) => s.primary.address),
      ...this.shards.flatMap((s) => s.replicas.map((r) => r.address)),
    ];
  }
}

/** Normalises a RESP3 map or a RESP2 flat key/value array into a lookup. */
function fields(value: unknown): Map<string, unknown> {
  if (value instanceof Map) {
    const out = new Map<string, unknown>();
    for (const [k, v] of value) out.set(String(k), v);
    return out;
  }
  const out = new Map<string, unknown>();
  if (Array.isArray(value))
    for (let i = 0; i + 1 < value.length; i += 2) out.set(String(value[i]), value[i + 1]);
  return out;
}

/** The address to dial for an address the cluster announced (`host:port`, e.g. in a MOVED or ASK reply). */
export function reachableAddress(announced: string, natMap: NatMap | undefined): string {
  if (!natMap) return announced;
  const colon = announced.lastIndexOf(':');
  return endpoint(announced.slice(0, colon), Number(announced.slice(colon + 1)), '', natMap).address;
}

/** Where a node can be reached: its announced endpoint (or the queried node's host when it says "unknown"), NAT-mapped. */
function endpoint(
  host: string | undefined,
  port: number,
  queriedHost: string,
  natMap?: NatMap,
): { host: string; port: number; address: string } {
  let target = { host: host && host !== '?' ? host : queriedHost, port };
  if (natMap) {
    const mapped = typeof natMap === 'function' ? natMap(target) : natMap[`${target.host}:${target.port}`];
    if (mapped) target = mapped;
  }
  return { ...target, address: `${target.host}:${target.port}` };
}

/**
 * Builds a topology from a CLUSTER SHARDS reply (RESP2 or RESP3). Replicas not `online` are left out, and a shard's
 * primary is its master not marked failed where there is one (after a failover, Redis 7.2+ and Valkey list the
 * replaced primary in the same shard, as a failed master). Returns undefined when the reply hides slots that a live
 * primary serves: Redis 7.2 to 7.4 take a shard's slots from the node listed first, so once a failed primary is
 * replaced its shard shows no slots at all (redis/redis#13414); CLUSTER SLOTS is right then. Undefined too while
 * a shard lists two live masters (a restarted old primary not yet turned replica): which one serves is not said.
 */
export function topologyFromShards(
  reply: unknown,
  queriedHost: string,
  natMap?: NatMap,
): Topology | undefined {
  const shards: Shard[] = [];
  for (const entry of reply as unknown[]) {
    const shard = fields(entry);
    const flat = (shard.get('slots') as unknown[]).map(Number);
    const slots: [number, number][] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) slots.push([flat[i]!, flat[i + 1]!]);
    let primary: NodeInfo | undefined;
    let masters = 0;
    let liveMasters = 0;
    const replicas: NodeInfo[] = [];
    for (const nodeValue of shard.get('nodes') as unknown[]) {
      const node = fields(nodeValue);
      const rawHost = (node.get('endpoint') ?? node.get('ip')) as string | undefined;
      const port = Number(node.get('port') ?? node.get('tls-port'));
      const info: NodeInfo = { id: String(node.get('id')), ...endpoint(rawHost, port, queriedHost, natMap) };
      const role = String(node.get('role'));
      // The servers say `fail`; the documentation says `failed`.
      const failed = /^fail(ed)?$/.test(String(node.get('health')));
      if (role === 'master') {
        masters++;
        if (!failed) liveMasters++;
        // A failed primary keeps its slots until a replica takes over: it is the primary unless a live one is listed.
        if (!failed || primary === undefined) primary = info;
      } else if (String(node.get('health')) === 'online') replicas.push(info);
    }
    // An old primary back from a restart is listed as a live master beside the one that replaced it until it
    // learns it was replaced: the reply does not say which of the two serves the slots, CLUSTER SLOTS does.
    if (liveMasters > 1) return undefined;
    if (slots.length === 0) {
      if (primary && masters > 1) return undefined;
      continue;
    }
    if (primary) shards.push({ primary, replicas, slots });
  }
  return new Topology(shards);
}

/** Builds a topology from a CLUSTER SLOTS reply, for servers without CLUSTER SHARDS. */
export function topologyFromSlots(reply: unknown, queriedHost: string, natMap?: NatMap): Topology {
  const byPrimary = new Map<string, Shard>();
  for (const entry of reply as unknown[][]) {
    const [start, end, primaryEntry, ...replicaEntries] = entry as [
      number,
      number,
      unknown[],
      ...unknown[][],
    ];
    const toNode = (value: unknown[]): NodeInfo => ({
      id: String(value[2] ?? ''),
      ...endpoint(value[0] as string, Number(value[1]), queriedHost, natMap),
    });
    const primary = toNode(primaryEntry);
    let shard = byPrimary.get(primary.address);
    if (!shard) {
      shard = { primary, replicas: replicaEntries.map(toNode), slots: [] };
      byPrimary.set(primary.address, shard);
    }
    shard.slots.push([Number(start), Number(end)]);
  }
  return new Topology([...byPrimary.values()]);
}
