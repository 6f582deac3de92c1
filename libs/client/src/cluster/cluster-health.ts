import type { Command } from '../command.js';
import { TimeoutError } from '../errors.js';
import { withTimeout } from '../util/timeout.js';
import { SLOT_COUNT } from './topology.js';
import type { NodeSnapshot, TopologySnapshot } from './topology-snapshot.js';

/** Options of `ClusterConnection#health`. */
export interface HealthOptions {
  /** How long the primaries may take to answer PING, in ms. Default 1000. */
  timeoutMs?: number | undefined;
}

/** What is wrong when the cluster is down, the first found in this order. */
export type HealthProblem =
  /** `close()` or `destroy()` ran. */
  | 'closed'
  /** No topology was discovered yet (no seed node answered). */
  | 'topologyUnknown'
  /** Some primary did not answer PING within the deadline (see `failing`). */
  | 'primariesSilent'
  /** Some hash slot has no primary (a failover or resharding is under way). */
  | 'slotsUncovered';

/** One health report of a cluster, as `ClusterConnection#health` makes it over the shared connection. */
export interface ClusterHealth {
  /** `up` only when every hash slot is served and every primary answered PING within the deadline. */
  status: 'up' | 'down';
  /** What is wrong, when down. */
  problem?: HealthProblem | undefined;
  /** Why it is down, in words (names the silent primaries and why); absent when up. */
  reason?: string | undefined;
  /** Slots some primary serves, as the topology says now (`SLOT_COUNT` when whole). */
  coveredSlots: number;
  /** Each primary's address, with `'PONG'` or why it did not answer. */
  primaries: Record<string, string>;
  /** The primaries that did not answer, with why: empty when all did. */
  failing: Record<string, string>;
  /** Every node as the cluster's topology reports it (role, slots), with keyslot's connection to it. */
  nodes: NodeSnapshot[];
}

/** What the health check needs of the cluster connection. */
export interface HealthTarget {
  readonly isOpen: boolean;
  topology(): TopologySnapshot;
  onNode<T>(address: string, command: Command<T>): Promise<T>;
}

const PING: Command<string> = { name: 'PING', args: [] };

/** Checks the cluster through `target`'s shared connection; never rejects (a failure is a `down` report). */
export async function checkClusterHealth(
  target: HealthTarget,
  options: HealthOptions = {},
): Promise<ClusterHealth> {
  const timeoutMs = options.timeoutMs ?? 1000;
  if (!target.isOpen) return down('closed', 'the cluster connection is closed', 0, {}, {}, []);
  const { nodes, coveredSlots } = target.topology();
  const primaries = nodes.filter((node) => node.role === 'primary' && node.routed);
  if (primaries.length === 0) {
    return down('topologyUnknown', 'the cluster topology is not known yet', coveredSlots, {}, {}, nodes);
  }
  // One PING per primary (rather than onEachPrimary), so the report says which primary failed, and why.
  const answers = await Promise.all(
    primaries.map((node) =>
      withTimeout(
        target.onNode(node.address, PING),
        timeoutMs,
        () => new TimeoutError(noAnswer(node, timeoutMs), 'PING', node.address),
      ).then(
        (reply) => ({ address: node.address, ok: true, answer: String(reply) }),
        (error: Error) => ({ address: node.address, ok: false, answer: error.message }),
      ),
    ),
  );
  const report: Record<string, string> = {};
  const failing: Record<string, string> = {};
  for (const { address, ok, answer } of answers) {
    report[address] = answer;
    if (!ok) failing[address] = answer;
  }
  const silent = Object.keys(failing);
  if (silent.length > 0) {
    const which = silent.map((address) => `primary ${address}: ${failing[address]}`).join('; ');
    const reason = `${silent.length} of ${primaries.length} primaries did not answer PING: ${which}`;
    return down('primariesSilent', reason, coveredSlots, report, failing, nodes);
  }
  if (coveredSlots !== SLOT_COUNT) {
    const reason = `only ${coveredSlots} of ${SLOT_COUNT} hash slots are served`;
    return down('slotsUncovered', reason, coveredSlots, report, failing, nodes);
  }
  return { status: 'up', coveredSlots, primaries: report, failing, nodes };
}

function down(
  problem: HealthProblem,
  reason: string,
  coveredSlots: number,
  primaries: Record<string, string>,
  failing: Record<string, string>,
  nodes: NodeSnapshot[],
): ClusterHealth {
  return { status: 'down', problem, reason, coveredSlots, primaries, failing, nodes };
}

function noAnswer(node: NodeSnapshot, timeoutMs: number): string {
  const why = node.lastError ? ` (last connection error: ${node.lastError})` : '';
  return `no PING reply within ${timeoutMs} ms${why}`;
}
