// The fault suite: each scenario on a cluster of its own under the callers' load, with its bound asserted. The
// figures are printed as a table at the end and written to chaos/results/. Short form by default; CHAOS_FULL=1
// for the full one (README.md).
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { type OutageNotes, resendsWhileRejoining } from '../src/outage-scenario.js';
import { formatComparison, formatTable, writeResults } from '../src/report.js';
import { runScenario, type ScenarioResult } from '../src/run-scenario.js';
import { scenario } from '../src/scenarios.js';
import { chaosSettings } from '../src/settings.js';

const settings = chaosSettings();
const results: ScenarioResult[] = [];
const startedAt = Date.now();
const resultsDir = fileURLToPath(new URL('../results', import.meta.url));
const verbose = settings.mode === 'full' || process.env.CHAOS_VERBOSE === '1';
const log = verbose ? (line: string) => console.log(line) : undefined;

/**
 * How soon the affected callers must be served again: after the repair (resume, restore, promotion), or after the
 * onset for the faults that keep the cluster serving (failover, resharding, cut). The figures measured are about a
 * tenth of it (chaos/README.md); the margin is for a busy 2-core machine.
 */
const SERVED_AFTER_REPAIR_MS = 1_000;
/** After a full restart: every node is dialled as soon as a refreshed map lists it, and CLUSTERDOWN is probed. */
const SERVED_AFTER_CLUSTER_OK_MS = 500;
/** The same on a busy machine (the short form inside `npm test`): the earlier bound, backoff cap + 1 s. */
const BUSY_SERVED_AFTER_CLUSTER_OK_MS = 3_000;
const MB = 2 ** 20;
/** keyslot's default `connectTimeoutMs`: how long a reconnect attempt swallowed by a black hole takes to fail. */
const CONNECT_TIMEOUT_MS = 5_000;

describe(`chaos, ${settings.mode} form: ${settings.callers} concurrent callers on one ClusterConnection`, () => {
  afterAll(() => {
    if (results.length === 0) return;
    const files = writeResults(resultsDir, settings, results, Date.now() - startedAt);
    const comparison = settings.clients.length > 1 ? `\n\nside by side:\n\n${formatComparison(results)}` : '';
    console.log(
      `\nkeyslot chaos, ${settings.mode} form (${settings.callers} callers), ${Math.round((Date.now() - startedAt) / 1000)} s:\n\n${formatTable(results)}${comparison}\n\nfigures: ${files.join(', ')}\n`,
    );
  });

  for (const id of settings.scenarios) {
    const definition = scenario(id, settings);
    for (const client of definition.keyslotOnly ? ['keyslot' as const] : settings.clients) {
      const name = `${definition.number}. ${definition.title}${settings.clients.length > 1 ? ` (${client})` : ''}`;
      it(name, async () => {
        const r = await runScenario(definition, settings, client, log);
        results.push(r);
        // The peers are measured, not judged: their figures go to the table for the side-by-side comparison.
        if (client === 'keyslot') assertBounds(r);
      });
    }
  }
});

/** The bounds keyslot must keep, per scenario (README.md explains each). */
function assertBounds(r: ScenarioResult): void {
  const context = `${r.number} ${r.id}: ${JSON.stringify({ callers: r.failures, flood: r.floodFailures, examples: r.errorExamples })}`;

  // Everywhere: the scenario ran through, every promise settled, nothing applied twice, no error reached a caller
  // whose keys the fault did not touch, and the affected callers were served again.
  expect.soft(r.error, context).toBeUndefined();
  expect.soft(r.unsettled, `${context}: commands never settled`).toBe(0);
  expect.soft(r.pendingAtEnd, `${context}: conn.stats().pending at the end`).toBe(0);
  expect.soft(r.duplicates, `${context}: INCRs applied more often than they were issued`).toBe(0);
  expect.soft(r.unaffectedCallerErrors, `${context}: errors on healthy shards`).toBe(0);
  expect.soft(r.recoveryMs, `${context}: the affected callers were not all served again`).toBeDefined();
  expect.soft(r.writes.acked, context).toBeGreaterThan(0);
  expect.soft(r.lossBeyondWindow, context).toBe(false);
  // Only a SIGKILL can lose acknowledged writes, by the servers' asynchronous replication, and never one that a
  // WAIT confirmed on a replica; anywhere else a lost acknowledgement would mean a reply matched to the wrong command.
  if (r.id === 'sigkill' || r.id === 'sigkill-tls' || r.id === 'replica-reads-kill') {
    expect.soft(r.lostConfirmed, `${context}: acknowledged INCRs lost though WAIT confirmed them`).toBe(0);
    expect.soft(r.confirmedWrites, `${context}: no write was confirmed`).toBeGreaterThan(0);
  } else {
    expect.soft(r.lostAcked, `${context}: acknowledged INCRs lost`).toBe(0);
  }

  const servedAfterRepair = (boundMs: number) =>
    expect
      .soft(r.recoveryAfterMark?.ms, `${context}: served again after ${r.recoveryAfterMark?.label}`)
      .toBeLessThanOrEqual(boundMs);
  switch (r.id) {
    case 'sigkill':
    case 'sigkill-tls':
      // Measured from the moment the replica reports itself primary (its redis.log has the millisecond).
      servedAfterRepair(SERVED_AFTER_REPAIR_MS);
      break;
    case 'replica-reads-kill':
      // The dead primary's INCRs in flight may fail (outcome unknown); not one read, from its replica or elsewhere.
      expect.soft(r.readsFailed, `${context}: reads failed`).toBe(0);
      servedAfterRepair(SERVED_AFTER_REPAIR_MS);
      break;
    case 'pubsub-failover':
    case 'pubsub-reshard': {
      expect.soft(r.callerErrors, `${context}: errors reached callers`).toBe(0);
      expect.soft(r.pubsub.length, context).toBeGreaterThan(0);
      // Every message a subscriber had to get, it got, once; no acknowledged message waited more than 1 s for its
      // stream to deliver (a sharded channel whose slot moved was subscribed again on its new owner). A subscription
      // stays on its node while that node gets its messages, so none arrives twice (chaos/README.md).
      for (const stream of r.pubsub) {
        const about = `${context}: ${JSON.stringify(stream)}`;
        expect.soft(stream.received, about).toBeGreaterThan(0);
        expect.soft(stream.duplicates, about).toBe(0);
        expect.soft(stream.lost, about).toBe(0);
        expect.soft(stream.publishFailed, about).toBe(0);
        expect.soft(stream.longestGapMs, about).toBeLessThanOrEqual(SERVED_AFTER_REPAIR_MS);
      }
      break;
    }
    case 'replica-reads-failover':
      expect.soft(r.callerErrors, `${context}: errors reached callers`).toBe(0);
      expect.soft(r.recoveryMs, context).toBeLessThanOrEqual(SERVED_AFTER_REPAIR_MS);
      break;
    case 'credentials': {
      // Re-authenticating in place costs nothing; killing the connections costs the INCRs in flight, no more.
      expect
        .soft(
          Object.keys(r.failures).filter((label) => label !== 'OUTCOME_UNKNOWN'),
          context,
        )
        .toEqual([]);
      const notes = r.notes as { connections?: number; reauthenticatedInPlace?: number };
      expect
        .soft(notes.reauthenticatedInPlace, `${context}: connections re-authenticated in place`)
        .toBe(notes.connections);
      servedAfterRepair(SERVED_AFTER_REPAIR_MS);
      break;
    }
    case 'oom': {
      // Writes to the full primary fail with the server's OOM at once, never retried; reads and other shards go on.
      expect.soft(Object.keys(r.failures), context).toEqual(['REPLY OOM']);
      expect.soft(r.readsFailed, `${context}: reads failed`).toBe(0);
      expect.soft(r.writes.outcomeUnknown, context).toBe(0);
      expect
        .soft(r.slowestFailureMs['REPLY OOM'], `${context}: slowest OOM failure (ms)`)
        .toBeLessThan(SERVED_AFTER_REPAIR_MS);
      expect
        .soft((r.notes as { retriesDuringFault?: number }).retriesDuringFault, `${context}: retries`)
        .toBe(0);
      servedAfterRepair(SERVED_AFTER_REPAIR_MS);
      break;
    }
    case 'failover':
    case 'reshard':
    case 'new-primary':
    case 'replicas-removed':
      // The cluster keeps serving: nothing reaches the callers, reads (from replicas too) and writes alike.
      expect.soft(r.callerErrors, `${context}: errors reached callers`).toBe(0);
      expect.soft(r.recoveryMs, context).toBeLessThanOrEqual(SERVED_AFTER_REPAIR_MS);
      break;
    case 'outage': {
      // Default maxPending, 5,000 new reads a second: commands wait for their node without being retried, in
      // bounded heap and CPU; the nodes are dialled a bounded number of times; served again soon after the restart.
      const notes = r.notes as unknown as OutageNotes;
      const about = `${context}: ${JSON.stringify(notes)}`;
      expect.soft(r.peakPending, about).toBeLessThanOrEqual(r.maxPending);
      expect.soft(notes.pending, about).toBeGreaterThan(10_000);
      expect.soft(notes.bytesPerPending, about).toBeLessThan(1024);
      // The issue's bounds (32 MB, 0.5 s) hold on a quiet machine: the full form runs alone (`npm run chaos`, under
      // the exclusive lock). Inside `npm test` other projects run alongside, which delays GC and the restart: there
      // the earlier, generous bounds (measured there: +50 MB, 1.5 s).
      const quiet = settings.mode === 'full';
      expect
        .soft(notes.peakHeapGrowthBytes, about)
        .toBeLessThan(quiet ? 32 * MB : settings.maxHeapGrowthBytes);
      expect.soft(notes.retries, about).toBe(0);
      expect.soft(notes.dialsPerNodeSecond, about).toBeLessThan(3);
      expect.soft(notes.cpuShare, about).toBeLessThan(0.25);
      // While the nodes rejoin, a command answered CLUSTERDOWN waits for that node to read ok, and new commands for
      // it wait with it: about one re-send per command pending at the restart (4 before, one per probe of another
      // node).
      const resends = resendsWhileRejoining(notes, r.stats);
      log?.(`[4 outage ${r.client}] re-sent while the nodes rejoined: ${resends} (${notes.pending} pending)`);
      if (resends !== undefined) expect.soft(resends, about).toBeLessThan(1.5 * notes.pending);
      servedAfterRepair(quiet ? SERVED_AFTER_CLUSTER_OK_MS : BUSY_SERVED_AFTER_CLUSTER_OK_MS);
      break;
    }
    case 'stall':
      expect.soft(r.peakPending, context).toBeLessThanOrEqual(r.maxPending);
      expect
        .soft(r.floodFailures.QUEUE_FULL ?? 0, `${context}: the pending limit was never reached`)
        .toBeGreaterThan(0);
      expect.soft(r.heapGrowthBytes, context).toBeLessThan(settings.maxHeapGrowthBytes);
      servedAfterRepair(SERVED_AFTER_REPAIR_MS);
      break;
    case 'cut':
      expect.soft(r.recoveryMs, context).toBeLessThanOrEqual(SERVED_AFTER_REPAIR_MS);
      break;
    case 'blackhole':
      servedAfterRepair(SERVED_AFTER_REPAIR_MS);
      break;
    case 'half-open':
      // No reset ever comes: the silent connection is dropped by keyslot itself, and the reconnect attempt made
      // during the black hole (swallowed too) must time out before the next one gets through.
      servedAfterRepair(CONNECT_TIMEOUT_MS + SERVED_AFTER_REPAIR_MS);
      break;
  }
}
