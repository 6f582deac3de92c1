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

/** Builds a topology from a CLUSTER SHARDS reply (RESP2 or RESP3). Replicas not `online` are left out. */
export function topologyFromShards(reply: unknown, queriedHost: string, natMap?: NatMap): Topology {
  const shards: Shard[] = [];
  for (const entry of reply as unknown[]) {
    const shard = fields(entry);
    const flat = (shard.get('slots') as unknown[]).map(Number);
    const slots: [number, number][] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) slots.push([flat[i]!, flat[i + 1]!]);
    if (slots.length === 0) continue;
    let primary: NodeInfo | undefined;
    const replicas: NodeInfo[] = [];
    for (const nodeValue of shard.get('nodes') as unknown[]) {
      const node = fields(nodeValue);
      const rawHost = (node.get('endpoint') ?? node.get('ip')) as string | undefined;
      const port = Number(node.get('port') ?? node.get('tls-port'));
      const info: NodeInfo = { id: String(node.get('id')), ...endpoint(rawHost, port, queriedHost, natMap) };
      const role = String(node.get('role'));
      const health = String(node.get('health'));
      if (role === 'master' && health !== 'failed') primary = info;
      else if (role !== 'master' && health === 'online') replicas.push(info);
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
