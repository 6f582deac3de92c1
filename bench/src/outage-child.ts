/**
 * The full outage (chaos fault 4, chaos/src/outage-scenario.ts) on one client, in a process of its own (forked by
 * outage.ts) so that each client's heap is measured alone: the chaos suite's full form, its own 3+3 cluster.
 */
import type { ClientKind } from '../../chaos/src/clients.js';
import { type OutageNotes, outage } from '../../chaos/src/outage-scenario.js';
import { runScenario, type ScenarioResult } from '../../chaos/src/run-scenario.js';
import { chaosSettings } from '../../chaos/src/settings.js';
import { reportToParent } from './child-report.js';

export type OutageClientName = Extract<ClientKind, 'keyslot' | 'ioredis' | 'node-redis'>;

export interface OutageTask {
  client: OutageClientName;
}

/** What one client's run measured: the scenario's notes, with its live heap growth and recovery. */
export interface OutageResult extends OutageNotes {
  client: OutageClientName;
  /** Largest live heap (after a full GC) during the outage, minus the one before it. */
  liveHeapGrowthBytes: number;
  /** From every node reporting `cluster_state:ok` until every caller was served again. */
  servedAfterClusterOkMs: number | undefined;
  callerErrors: number;
  /** The first step that went wrong, if one did. */
  error: string | undefined;
}

async function run(task: OutageTask): Promise<OutageResult> {
  const settings = chaosSettings({ CHAOS_FULL: '1', CHAOS_SCENARIOS: 'outage' });
  const result: ScenarioResult = await runScenario(outage(settings), settings, task.client);
  return {
    ...(result.notes as unknown as OutageNotes),
    client: task.client,
    liveHeapGrowthBytes: result.heapGrowthBytes,
    servedAfterClusterOkMs: result.recoveryAfterMark?.ms,
    callerErrors: result.callerErrors,
    error: result.error,
  };
}

void reportToParent(() => run(JSON.parse(process.argv[2]!) as OutageTask));
