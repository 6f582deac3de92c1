import type { ClusterConnection } from '@keyslot/client';

/** What the health route answers: `up` only when every slot is served and every primary answers PING. */
export interface HealthReport {
  status: 'up' | 'down';
  /** Why the cluster is down; absent when it is up. */
  reason?: string | undefined;
  /** Slots some primary serves, as the connection knows the topology now (16384 when whole). */
  coveredSlots: number;
  /** Each primary's address, with `'PONG'` or why it did not answer. */
  primaries: Record<string, string>;
}

/**
 * Checks the cluster through the shared connection (the client's `connection.health()`): the topology must cover
 * every slot, and each primary must answer PING within `timeoutMs`. Never rejects: a failure is a `down` report
 * with its reason.
 */
export async function healthReport(connection: ClusterConnection, timeoutMs: number): Promise<HealthReport> {
  const { status, reason, coveredSlots, primaries } = await connection.health({ timeoutMs });
  return reason === undefined
    ? { status, coveredSlots, primaries }
    : { status, reason, coveredSlots, primaries };
}
