/**
 * The full outage (chaos fault 4, chaos/src/outage-scenario.ts) on one client, in a process of its own (forked by
 * outage.ts) so that each client's heap is measured alone: the chaos suite's full form, its own 3+3 cluster.
 */
import type { ClientKind } from '../../chaos/src/clients.js';
import { type OutageNotes, outage, resendsWhileRejoining } from '../../chaos/src/outage-scenario.js';
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
  /** Errors that reached the callers, by code (keyslot's code without `ERR_KEYSLOT_`; peers: name and prefix). */
  callerFailures: Record<string, number>;
  /** The flood's fire-and-forget reads that failed, by code. */
  floodFailures: Record<string, number>;
  /** Commands keyslot sent again from the restart until the end (CLUSTERDOWN from nodes still rejoining). */
  resendsWhileRejoining: number | undefined;
  /** The first step that went wrong, if one did. */
  error: string | undefined;
}

async function run(task: OutageTask): Promise<OutageResult> {
  const settings = chaosSettings({ CHAOS_FULL: '1', CHAOS_SCENARIOS: 'outage' });
  const result: ScenarioResult = await runScenario(outage(settings), settings, task.client);
  const notes = result.notes as unknown as OutageNotes;
  return {
    ...notes,
    client: task.client,
    liveHeapGrowthBytes: result.heapGrowthBytes,
    servedAfterClusterOkMs: result.recoveryAfterMark?.ms,
    callerErrors: result.callerErrors,
    callerFailures: result.failures,
    floodFailures: result.floodFailures,
    resendsWhileRejoining: task.client === 'keyslot' ? resendsWhileRejoining(notes, result.stats) : undefined,
    error: result.error,
  };
}

void reportToParent(() => run(JSON.parse(process.argv[2]!) as OutageTask));
