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
  const topology = redis.topology();
  const primaries = topology.nodes.filter((node) => node.role === 'primary').length;
  if (topology.coveredSlots < 16384) {
    return {
      status: 'down',
      coveredSlots: topology.coveredSlots,
      primaries,
      reason: `${16384 - topology.coveredSlots} slots have no primary`,
    };
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.onEachPrimary({ name: 'PING', args: [] }),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`a primary did not answer PING within ${HEALTH_TIMEOUT_MS} ms`)),
          HEALTH_TIMEOUT_MS,
        );
      }),
    ]);
    return { status: 'up', coveredSlots: topology.coveredSlots, primaries };
  } catch (error) {
    return {
      status: 'down',
      coveredSlots: topology.coveredSlots,
      primaries,
      reason: (error as Error).message,
    };
  } finally {
    clearTimeout(timer);
  }
}
