// A primary out of memory: `maxmemory` below what it holds, with `noeviction`. The server refuses every write to
// its slots with OOM at once and keeps serving reads. keyslot must pass OOM on as it is, at once, without retrying
// (it is the server's final answer), and leave the reads and the other shards alone.
import type { ScenarioDefinition } from './run-scenario.js';
import { begin, callersOn, lasting, spreadKeys } from './scenario-steps.js';
import type { ChaosSettings } from './settings.js';

/** keyslot's `conn.stats()`, the part this scenario reads. */
interface RetryCounters {
  retries: number;
}

export function outOfMemory(settings: ChaosSettings): ScenarioDefinition {
  return {
    id: 'oom',
    number: '12',
    title: `primary out of memory ${settings.stallMs / 1000} s (maxmemory, noeviction)`,
    keys: spreadKeys('oom'),
    // Reads never stop: the shard is back when its callers' writes are acknowledged again.
    recoverOn: 'writes',
    recoveryMark: { mark: 'liftedAt', label: 'maxmemory lifted' },
    async fault(context) {
      const { cluster } = context;
      const victim = cluster.primaries[0]!;
      const affected = callersOn(context, victim);
      await cluster.admin(victim, 'CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
      const retriesBefore = (context.clientStats() as RetryCounters | undefined)?.retries;
      const faultAt = begin(context);
      // One byte: whatever the node holds is more, so every write that may grow memory is refused.
      await cluster.admin(victim, 'CONFIG', 'SET', 'maxmemory', '1');
      await lasting(context, faultAt, settings.stallMs, `${settings.stallMs} ms out of memory`);
      const retriesDuring = (context.clientStats() as RetryCounters | undefined)?.retries;
      await cluster.admin(victim, 'CONFIG', 'SET', 'maxmemory', '0');
      return {
        faultAt,
        affected,
        marks: { liftedAt: Date.now() },
        notes: {
          retriesDuringFault:
            retriesBefore === undefined || retriesDuring === undefined
              ? undefined
              : retriesDuring - retriesBefore,
        },
      };
    },
  };
}
