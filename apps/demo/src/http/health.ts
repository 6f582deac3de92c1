import type { ClusterConnection } from '@keyslot/client';

/** Most time a health check may take. */
const HEALTH_TIMEOUT_MS = 1500;

export interface Health {
  status: 'up' | 'down';
  coveredSlots: number;
  primaries: number;
  reason?: string;
}

/** Up when every slot is served and every primary answers PING on the shared connection, within a timeout. */
export async function checkHealth(redis: ClusterConnection): Promise<Health> {
  const { status, reason, coveredSlots, primaries } = await redis.health({ timeoutMs: HEALTH_TIMEOUT_MS });
  const count = Object.keys(primaries).length;
  return reason === undefined
    ? { status, coveredSlots, primaries: count }
    : { status, coveredSlots, primaries: count, reason };
}
