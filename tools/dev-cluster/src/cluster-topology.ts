// Parsers for what the nodes say about the cluster: CLUSTER NODES, INFO, CLUSTER SLOTS.
import type { RespReply } from './resp-connection.js';
import { mergeRanges, type SlotRange } from './slot-ranges.js';

/** Role of a node: Redis says master/slave, this package says primary/replica. */
export type NodeRole = 'primary' | 'replica';

/** One line of CLUSTER NODES: what one node thinks of one node. */
export interface ClusterNodeLine {
  id: string;
  host: string;
  port: number;
  flags: readonly string[];
  myself: boolean;
  role: NodeRole;
  primaryId: string | undefined;
  /** Flagged `fail` or `fail?` by the observer. */
  failing: boolean;
  handshake: boolean;
  connected: boolean;
  slots: SlotRange[];
}

/** Parses CLUSTER NODES output. Migrating/importing markers (`[slot->-id]`) are not counted as owned slots. */
export function parseClusterNodes(text: string): ClusterNodeLine[] {
  const lines: ClusterNodeLine[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(' ');
    const [id, address, flagText, primary, , , , linkState, ...slotFields] = fields;
    if (!id || !address || !flagText || !primary || !linkState) continue;
    const hostPort = address.split('@')[0] ?? '';
    const colon = hostPort.lastIndexOf(':');
    const flags = flagText.split(',');
    const ranges: SlotRange[] = [];
    for (const field of slotFields) {
      if (field.startsWith('[')) continue;
      const [start, end = start] = field.split('-').map(Number);
      if (start !== undefined && end !== undefined) ranges.push([start, end]);
    }
    lines.push({
      id,
      host: hostPort.slice(0, colon),
      port: Number(hostPort.slice(colon + 1)),
      flags,
      myself: flags.includes('myself'),
      role: flags.includes('slave') ? 'replica' : 'primary',
      primaryId: primary === '-' ? undefined : primary,
      failing: flags.includes('fail') || flags.includes('fail?'),
      handshake: flags.includes('handshake') || flags.includes('noaddr'),
      connected: linkState === 'connected',
      slots: mergeRanges(ranges),
    });
  }
  return lines;
}

/** Parses `key:value` lines of INFO or CLUSTER INFO. */
export function parseInfo(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) fields[line.slice(0, colon)] = line.slice(colon + 1).trim();
  }
  return fields;
}

/** Ports of the replicas listed in a CLUSTER SLOTS reply. */
export function replicaPortsInClusterSlots(reply: RespReply): Set<number> {
  const ports = new Set<number>();
  if (!Array.isArray(reply)) return ports;
  for (const range of reply) {
    if (!Array.isArray(range)) continue;
    for (const replica of range.slice(3)) {
      if (Array.isArray(replica) && typeof replica[1] === 'number') ports.add(replica[1]);
    }
  }
  return ports;
}

/**
 * Ports of the replicas a CLUSTER SHARDS reply lists in the same shard as a primary. Valkey 8 groups nodes by
 * shard id, which reaches the other nodes by gossip: for a moment after CLUSTER REPLICATE, a replica is listed in
 * a shard of its own, without its primary.
 */
export function replicaPortsInClusterShards(reply: RespReply): Set<number> {
  const ports = new Set<number>();
  if (!Array.isArray(reply)) return ports;
  for (const shard of reply) {
    const nodes = pairs(shard).get('nodes');
    const members = (Array.isArray(nodes) ? nodes : []).map(pairs);
    if (!members.some((node) => node.get('role') === 'master')) continue;
    for (const node of members) {
      const port = node.get('port') ?? node.get('tls-port');
      if (node.get('role') === 'replica' && typeof port === 'number') ports.add(port);
    }
  }
  return ports;
}

// A RESP2 flat list of alternating names and values, as a map.
function pairs(reply: RespReply): Map<string, RespReply> {
  const map = new Map<string, RespReply>();
  if (!Array.isArray(reply)) return map;
  for (let i = 0; i + 1 < reply.length; i += 2) map.set(String(reply[i]), reply[i + 1]!);
  return map;
}
