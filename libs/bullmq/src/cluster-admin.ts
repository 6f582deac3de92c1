/**
 * The server-side questions BullMQ asks (INFO, CLIENT LIST, SCAN), answered on the right nodes of the cluster: a
 * keyless command would otherwise go to whichever node the connection picks.
 */
import { ArgumentError, type ClusterConnection, ClusterError, slotOfKey } from '@keyslot/client';

/**
 * INFO of the first primary to answer, asked of every connected one at once (BullMQ reads the server version and the
 * eviction policy from it when each of its objects starts): one unresponsive primary must not stop BullMQ objects
 * whose queues live on the others from starting. Fails only when none answers, with the first one's error.
 */
export async function infoOfOnePrimary(connection: ClusterConnection): Promise<string> {
  const primaries = connection.topology().nodes.filter((node) => node.role === 'primary' && node.connected);
  if (primaries.length > 0) {
    const asks = primaries.map((node) =>
      connection.onNode(node.address, { name: 'INFO', args: [], transform: String }),
    );
    return Promise.any(asks).catch((error: AggregateError) => {
      throw error.errors[0];
    });
  }
  // No topology yet: every node's report, and the first one.
  const reports = await connection.info();
  return Object.values(reports)[0] ?? '';
}

/** CLIENT LIST of every primary, asked of all at once, joined in the order of the primaries. */
export async function clientListOfPrimaries(connection: ClusterConnection): Promise<string> {
  const lists = await connection.onEachPrimary<unknown>({ name: 'CLIENT', args: ['LIST'] });
  return Object.values(lists).map(String).join('');
}

/**
 * SCAN with a MATCH pattern whose keys all share one hash tag (`{bull}:emails:*`, as BullMQ's own keys on a
 * cluster do), on the primary that owns that tag's slot. A pattern without such a tag could match keys on every
 * node, which one cursor cannot cover: it is refused.
 */
export async function scanTaggedPattern(
  connection: ClusterConnection,
  cursor: string | number,
  match: string,
  count: number | undefined,
): Promise<[string, string[]]> {
  if (!hasFixedHashTag(match)) {
    throw new ArgumentError(
      `SCAN on a Redis Cluster needs a MATCH pattern that starts with a hash tag, such as '{bull}:emails:*', so that every key it can match lives on one node (got a pattern without one)`,
    );
  }
  // Every key it can match hashes by the tag, as the pattern itself does: its slot is computed here, not asked.
  const slot = slotOfKey(match);
  const owner = connection
    .topology()
    .nodes.find(
      (node) => node.role === 'primary' && node.slots.some(([from, to]) => from <= slot && slot <= to),
    );
  const args = [String(cursor), 'MATCH', match, ...(count === undefined ? [] : ['COUNT', count])];
  const command = { name: 'SCAN', args, transform: (reply: unknown) => reply as [string, string[]] };
  if (owner === undefined) throw new ClusterError(`no primary serves hash slot ${slot} right now`);
  return connection.onNode(owner.address, command);
}

/** Whether every key matching `pattern` hashes by the same tag: `{...}` non-empty and nothing glob-like up to it. */
function hasFixedHashTag(pattern: string): boolean {
  const open = pattern.indexOf('{');
  const close = pattern.indexOf('}', open + 1);
  if (open < 0 || close <= open + 1) return false;
  return !/[*?[\\]/.test(pattern.slice(0, close));
}
