// Decides whether a cluster has settled, from what every running node reports about itself and the others.
// Each check returns a human-readable reason while the answer is no, so a timeout says what was missing.
import type { AdminClient } from './admin-client.js';
import {
  type ClusterNodeLine,
  parseClusterNodes,
  parseInfo,
  replicaPortsInClusterShards,
  replicaPortsInClusterSlots,
} from './cluster-topology.js';
import type { RespEndpoint } from './resp-connection.js';
import { formatRanges } from './slot-ranges.js';

const INSPECT_TIMEOUT_MS = 2_000;

/** A node the checks look at; nodes that are not `up` (killed, stopped, paused) are expected to be silent. */
export interface ClusterMember {
  id: string;
  port: number;
  address: string;
  endpoint: RespEndpoint;
  up: boolean;
}

/** What one running node says about the cluster. */
export interface NodeReport {
  member: ClusterMember;
  clusterInfo: Record<string, string>;
  lines: ClusterNodeLine[];
  self: ClusterNodeLine;
  replication: Record<string, string>;
  /** Ports of the replicas this node lists in CLUSTER SLOTS. */
  slotsReplicaPorts: Set<number>;
  /** Ports of the replicas this node lists in CLUSTER SHARDS in the same shard as a primary. */
  shardsReplicaPorts: Set<number>;
}

/** Asks every running member for CLUSTER INFO, CLUSTER NODES, INFO replication, CLUSTER SLOTS and SHARDS. */
export function inspectMembers(members: readonly ClusterMember[], admin: AdminClient): Promise<NodeReport[]> {
  return Promise.all(members.filter((member) => member.up).map((member) => inspectMember(member, admin)));
}

async function inspectMember(member: ClusterMember, admin: AdminClient): Promise<NodeReport> {
  const ask = (...args: string[]) => admin.command(member.endpoint, args, { timeoutMs: INSPECT_TIMEOUT_MS });
  const [info, nodes, replication, slots, shards] = await Promise.all([
    ask('CLUSTER', 'INFO'),
    ask('CLUSTER', 'NODES'),
    ask('INFO', 'replication'),
    ask('CLUSTER', 'SLOTS'),
    ask('CLUSTER', 'SHARDS'),
  ]);
  const lines = parseClusterNodes(String(nodes));
  const self = lines.find((line) => line.myself);
  if (!self) throw new Error(`${member.address} has no "myself" line in CLUSTER NODES`);
  return {
    member,
    clusterInfo: parseInfo(String(info)),
    lines,
    self,
    replication: parseInfo(String(replication)),
    slotsReplicaPorts: replicaPortsInClusterSlots(slots),
    shardsReplicaPorts: replicaPortsInClusterShards(shards),
  };
}

/** Why the members do not all know each other (after CLUSTER MEET) yet; undefined once they do. */
export function notAcquaintedReason(members: readonly ClusterMember[], reports: readonly NodeReport[]) {
  const ids = new Set(members.map((member) => member.id));
  for (const report of reports) {
    const known = report.lines.filter((line) => !line.handshake);
    const missing = members.find((member) => !known.some((line) => line.id === member.id));
    if (missing) return `${report.member.address} does not know ${missing.address} yet`;
    if (report.lines.length !== ids.size) {
      return `${report.member.address} lists ${report.lines.length} nodes, expected ${ids.size}`;
    }
  }
  return undefined;
}

/**
 * Why the cluster is not ready yet; undefined once it is: every running node reports cluster_state:ok,
 * knows every node, and agrees with the others on roles and slots; every running replica (of a running
 * primary) has its link up and, if its primary serves slots, is listed in CLUSTER SLOTS and in its primary's
 * shard in CLUSTER SHARDS on every running node.
 */
export function notReadyReason(members: readonly ClusterMember[], reports: readonly NodeReport[]) {
  for (const report of reports) {
    const where = report.member.address;
    if (report.self.id !== report.member.id) {
      return `${where} has node id ${report.self.id}, expected ${report.member.id}`;
    }
    const state = report.clusterInfo.cluster_state;
    if (state !== 'ok') return `${where} reports cluster_state:${state}`;
    const known = Number(report.clusterInfo.cluster_known_nodes);
    if (known !== members.length) return `${where} knows ${known} nodes, expected ${members.length}`;
    const disagreement = viewDisagreement(report, reports);
    if (disagreement) return disagreement;
  }
  for (const replica of reports.filter((report) => report.self.role === 'replica')) {
    const where = replica.member.address;
    const primary = reports.find((report) => report.self.id === replica.self.primaryId);
    if (!primary) continue;
    const link = replica.replication.master_link_status;
    if (link !== 'up') return `replica ${where} has master_link_status:${link}`;
    // CLUSTER SLOTS lists replicas per slot range: a replica of a primary without slots never shows up.
    if (primary.self.slots.length === 0) continue;
    const notListing = reports.find((report) => !report.slotsReplicaPorts.has(replica.member.port));
    if (notListing) return `${notListing.member.address} does not list replica ${where} in CLUSTER SLOTS yet`;
    // Valkey 8 lists a new replica in a shard of its own until its primary's shard id reaches every node.
    const apart = reports.find((report) => !report.shardsReplicaPorts.has(replica.member.port));
    if (apart) return `${apart.member.address} does not list replica ${where} in its primary's shard yet`;
  }
  return undefined;
}

/**
 * Why `member` (just restarted) has not rejoined yet; undefined once it and every other running node see
 * each other as connected and healthy, and, if it is a replica of a running primary, its link is up.
 */
export function notRejoinedReason(member: ClusterMember, reports: readonly NodeReport[]) {
  const own = reports.find((report) => report.member.id === member.id);
  if (!own) return `${member.address} is not answering`;
  for (const other of reports) {
    if (other === own) continue;
    const theirView = other.lines.find((line) => line.id === member.id);
    if (!theirView || theirView.failing || theirView.handshake || !theirView.connected) {
      return `${other.member.address} does not see ${member.address} as healthy yet`;
    }
    const ourView = own.lines.find((line) => line.id === other.member.id);
    if (!ourView || ourView.failing || ourView.handshake || !ourView.connected) {
      return `${member.address} does not see ${other.member.address} as healthy yet`;
    }
  }
  const primaryRunning = reports.some((report) => report.self.id === own.self.primaryId);
  if (own.self.role === 'replica' && primaryRunning && own.replication.master_link_status !== 'up') {
    return `replica ${member.address} has master_link_status:${own.replication.master_link_status}`;
  }
  return undefined;
}

// Every running node must see every other running node as healthy, in the role and with the slots that
// node claims for itself.
function viewDisagreement(observer: NodeReport, reports: readonly NodeReport[]): string | undefined {
  const where = observer.member.address;
  for (const subject of reports) {
    if (subject === observer) continue;
    const what = subject.member.address;
    const line = observer.lines.find((candidate) => candidate.id === subject.self.id);
    if (!line) return `${where} does not know ${what}`;
    if (line.handshake || line.failing || !line.connected) {
      return `${where} sees ${what} as ${line.flags.join(',')}${line.connected ? '' : ' (disconnected)'}`;
    }
    if (line.role !== subject.self.role || line.primaryId !== subject.self.primaryId) {
      return `${where} thinks ${what} is a ${line.role}, but it is a ${subject.self.role}`;
    }
    if (formatRanges(line.slots) !== formatRanges(subject.self.slots)) {
      return `${where} thinks ${what} serves slots ${formatRanges(line.slots) || 'none'}, it says ${formatRanges(subject.self.slots) || 'none'}`;
    }
  }
  return undefined;
}
