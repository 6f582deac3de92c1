import type { ClusterConnection, NodeSnapshot } from '@keyslot/client';
import { SLOT_COUNT } from './constants.js';

/** What the health route answers: `up` only when every slot is served and every primary answers PING. */
export interface HealthReport {
  status: 'up' | 'down';
  /** Why the cluster is down; absent when it is up. */
  reason?: string;
  /** Slots some primary serves, as the connection knows the topology now (16384 when whole). */
  coveredSlots: number;
  /** Each primary's address, with `'PONG'` or why it did not answer. */
  primaries: Record<string, string>;
}

const PING = { name: 'PING', args: [] } as const;

/**
 * Checks the cluster through the shared connection: the topology must cover every slot, and each primary must
 * answer PING within `timeoutMs`. Never rejects: a failure is a `down` report with its reason.
 */
export async function checkClusterHealth(
  connection: ClusterConnection,
  timeoutMs: number,
): Promise<HealthReport> {
  if (!connection.isOpen) {
    return { status: 'down', reason: 'the cluster connection is closed', coveredSlots: 0, primaries: {} };
  }
  const { nodes, coveredSlots } = connection.topology();
  const primaries = nodes.filter((node) => node.role === 'primary');
  if (primaries.length === 0) {
    return { status: 'down', reason: 'the cluster topology is not known yet', coveredSlots, primaries: {} };
  }
  const answers = await pingEach(connection, primaries, timeoutMs);
  const report = Object.fromEntries(answers.map(({ address, answer }) => [address, answer]));
  const silent = answers.filter(({ ok }) => !ok);
  if (silent.length > 0) {
    const reason = silent.map(({ address, answer }) => `primary ${address}: ${answer}`).join('; ');
    return { status: 'down', reason, coveredSlots, primaries: report };
  }
  if (coveredSlots !== SLOT_COUNT) {
    const reason = `only ${coveredSlots} of ${SLOT_COUNT} hash slots are served`;
    return { status: 'down', reason, coveredSlots, primaries: report };
  }
  return { status: 'up', coveredSlots, primaries: report };
}

// One PING per primary (rather than onEachPrimary) so the report says which primary failed, and why.
async function pingEach(connection: ClusterConnection, primaries: NodeSnapshot[], timeoutMs: number) {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    return await Promise.all(
      primaries.map(async (node) => {
        try {
          const reply = await Promise.race([connection.onNode(node.address, PING), deadline]);
          if (reply === 'timeout')
            return { address: node.address, ok: false, answer: noAnswer(node, timeoutMs) };
          return { address: node.address, ok: true, answer: String(reply) };
        } catch (error) {
          return { address: node.address, ok: false, answer: (error as Error).message };
        }
      }),
    );
  } finally {
    clearTimeout(timer);
  }
}

function noAnswer(node: NodeSnapshot, timeoutMs: number): string {
  const why = node.lastError ? ` (last connection error: ${node.lastError})` : '';
  return `no PING reply within ${timeoutMs} ms${why}`;
}
