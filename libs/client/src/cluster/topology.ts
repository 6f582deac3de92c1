import { splitAddress } from '../util/address.js';
import type { NatMap } from './cluster-options.js';

/** Hash slots in a Redis Cluster. */
export const SLOT_COUNT = 16384;

/** `Topology#slotOwner` of a slot that no shard serves. */
export const NO_OWNER = -1;

/**
 * A node's health as the cluster sees it (CLUSTER SHARDS `health`, or CLUSTER NODES flags on servers without
 * SHARDS): `online`; `failed` (the cluster agreed it is down); `loading` (a replica still loading its data set);
 * `unknown` when the server did not say.
 */
export type NodeHealth = 'online' | 'failed' | 'loading' | 'unknown';

/** One node as the cluster describes it. */
export interface NodeInfo {
  id: string;
  host: string;
  port: number;
  /** `host:port`, after NAT mapping. */
  address: string;
  health: NodeHealth;
}

/** A node the cluster lists but no request goes to: a replica not online, a failed primary, a primary without slots. */
export interface UnroutedNode extends NodeInfo {
  role: 'primary' | 'replica';
  /** For a replica: its primary's address, when known. */
  primary?: string | undefined;
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
  /** Slots served by some shard, counted once here: refreshes, health checks and events all read it. */
  readonly coveredSlots: number;

  constructor(
    readonly shards: Shard[],
    /** Nodes listed by the cluster that are not routed to, reported by `topology()` with their health. */
    readonly unrouted: UnroutedNode[] = [],
  ) {
    shards.forEach((shard, index) => {
      for (const [start, end] of shard.slots) this.slotOwner.fill(index, start, end + 1);
    });
    // The fingerprint names the ranges each shard serves in the end, not those it claimed: where the claims of an
    // inconsistent view overlap, the shard filled last serves, so two views of the same shards listed in another
    // order may route a slot differently, and must not compare equal.
    const served = shards.map(() => '');
    let covered = 0;
    for (let start = 0; start < SLOT_COUNT; ) {
      const owner = this.slotOwner[start]!;
      let end = start;
      while (end + 1 < SLOT_COUNT && this.slotOwner[end + 1] === owner) end++;
      if (owner !== NO_OWNER) {
        covered += end - start + 1;
        served[owner] += `${served[owner] === '' ? '' : ','}${start}-${end}`;
      }
      start = end + 1;
    }
    this.coveredSlots = covered;
    this.fingerprint = shards
      .map(
        (s, index) =>
          `${s.primary.address}[${served[index]}]<${s.replicas
            .map((r) => r.address)
            .sort()
            .join(',')}>`,
      )
      .sort()
      .join(';');
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
  const { host, port } = splitAddress(announced);
  return endpoint(host, port, '', natMap).address;
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

/** The health a CLUSTER SHARDS node entry reports: Redis and Valkey write `fail` where their docs say `failed`. */
function shardsHealth(value: unknown): NodeHealth {
  const health = String(value);
  if (health === 'fail' || health === 'failed') return 'failed';
  return health === 'online' || health === 'loading' ? health : 'unknown';
}

/**
 * Builds a topology from a CLUSTER SHARDS reply (RESP2 or RESP3). Requests go to each shard's primary (one that has
 * not failed, when the shard lists another primary beside it: after a failover, Redis 7.2+ and Valkey list the
 * replaced primary in the same shard as a failed master; a failed one keeps its slots until the cluster promotes a
 * replica, and requests to it are retried meanwhile) and to its `online` replicas; the other nodes are kept as
 * `unrouted`, with their health.
 *
 * Returns undefined when the reply hides slots that a live primary serves: Redis 7.2 to 7.4 take a shard's slots
 * from the node listed first, so once a failed primary is replaced its shard shows no slots at all
 * (redis/redis#13414); CLUSTER SLOTS is right then. Undefined too while a shard lists two live masters (a restarted
 * old primary not yet turned replica): which one serves is not said.
 */
export function topologyFromShards(
  reply: unknown,
  queriedHost: string,
  natMap?: NatMap,
): Topology | undefined {
  const shards: Shard[] = [];
  const unrouted: UnroutedNode[] = [];
  for (const entry of reply as unknown[]) {
    const shard = fields(entry);
    const flat = (shard.get('slots') as unknown[]).map(Number);
    const slots: [number, number][] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) slots.push([flat[i]!, flat[i + 1]!]);
    const primaries: NodeInfo[] = [];
    const replicas: NodeInfo[] = [];
    const others: (NodeInfo & { role: 'primary' | 'replica' })[] = [];
    for (const nodeValue of shard.get('nodes') as unknown[]) {
      const node = fields(nodeValue);
      const rawHost = (node.get('endpoint') ?? node.get('ip')) as string | undefined;
      const port = Number(node.get('port') ?? node.get('tls-port'));
      const info: NodeInfo = {
        id: String(node.get('id')),
        ...endpoint(rawHost, port, queriedHost, natMap),
        health: shardsHealth(node.get('health')),
      };
      if (String(node.get('role')) === 'master') primaries.push(info);
      else if (slots.length > 0 && info.health === 'online') replicas.push(info);
      else others.push({ ...info, role: 'replica' });
    }
    const live = primaries.filter((node) => node.health !== 'failed');
    if (live.length > 1) return undefined;
    if (slots.length === 0 && primaries.length > 1) return undefined;
    const primary = slots.length === 0 ? undefined : (live[0] ?? primaries[0]);
    for (const node of primaries) if (node !== primary) others.push({ ...node, role: 'primary' });
    if (primary) shards.push({ primary, replicas, slots });
    for (const other of others) {
      unrouted.push(other.role === 'replica' && primary ? { ...other, primary: primary.address } : other);
    }
  }
  return new Topology(shards, unrouted);
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
      health: 'unknown',
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

/**
 * Adds what CLUSTER NODES says to a topology built from CLUSTER SLOTS (servers without SHARDS): each node's health
 * from its flags (`fail` is failed; `fail?`, one node's suspicion only, is not), and the nodes SLOTS leaves out.
 */
export function withNodesHealth(
  topology: Topology,
  clusterNodes: string,
  queriedHost: string,
  natMap?: NatMap,
): Topology {
  const listed = new Map<string, { flags: string[]; primaryId: string; endpoint: string }>();
  for (const line of clusterNodes.split('\n')) {
    const [id, endpointField, flagsField, primaryId] = line.trim().split(' ');
    if (!id || !endpointField || !flagsField) continue;
    listed.set(id, { flags: flagsField.split(','), primaryId: primaryId ?? '-', endpoint: endpointField });
  }
  const healthOf = (flags: string[]): NodeHealth =>
    flags.includes('fail') ? 'failed' : flags.includes('handshake') ? 'unknown' : 'online';
  const routedIds = new Set<string>();
  const annotate = (node: NodeInfo): NodeInfo => {
    routedIds.add(node.id);
    const entry = listed.get(node.id);
    return entry ? { ...node, health: healthOf(entry.flags) } : node;
  };
  const shards = topology.shards.map((shard) => ({
    primary: annotate(shard.primary),
    replicas: shard.replicas.map(annotate),
    slots: shard.slots,
  }));
  const primaryAddress = new Map(shards.map((shard) => [shard.primary.id, shard.primary.address]));
  const unrouted: UnroutedNode[] = [...topology.unrouted];
  for (const [id, entry] of listed) {
    if (routedIds.has(id) || entry.flags.includes('noaddr')) continue;
    // `ip:port@cport[,hostname]`; an empty ip is the queried node's.
    const { host, port } = splitAddress(entry.endpoint.split('@')[0]!);
    const node: UnroutedNode = {
      id,
      ...endpoint(host, port, queriedHost, natMap),
      health: healthOf(entry.flags),
      role: entry.flags.includes('master') ? 'primary' : 'replica',
    };
    const primary = primaryAddress.get(entry.primaryId);
    unrouted.push(primary ? { ...node, primary } : node);
  }
  return new Topology(shards, unrouted);
}
