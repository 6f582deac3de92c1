// Fault 4: every node stopped, then restarted, under the callers and 5,000 new reads a second, with keyslot's
// default maxPending. Besides recovery, it measures what waiting costs while nothing can be served: heap per pending
// command and at its peak (no forced GC), CPU, retries and connection attempts per node.
import type { ScenarioDefinition } from './run-scenario.js';
import { liveHeapBytes } from './sampler.js';
import { begin, lasting, spreadKeys } from './scenario-steps.js';
import type { ChaosSettings } from './settings.js';

/** New reads a second during the outage (the load). */
export const OUTAGE_FLOOD_PER_SECOND = 5_000;
/** Connections lost at the onset re-send what they carried: the steady outage is measured from this long after. */
const ONSET_MS = 2_000;
/** The healthy stretch before the outage that gives the heap baseline. */
const HEALTHY_MS = 2_000;

/** What the outage measured while every node was down (keyslot's counters: undefined for the peers). */
export interface OutageNotes {
  /** Commands pending near the end of the outage. */
  pending: number;
  /** Live heap (after a full GC) grown since just before the outage, per pending command. */
  bytesPerPending: number;
  /**
   * Largest heap in use during the outage, garbage included (no forced GC), minus the mean heap in use over two
   * healthy seconds under the same load just before: the growth as the process sees it.
   */
  peakHeapGrowthBytes: number;
  /** The same peak minus the live heap (after a full GC) before the outage: the strictest reading. */
  peakHeapOverLiveBaselineBytes: number;
  /** CPU time of the whole process during the steady outage, as a share of one core. */
  cpuShare: number;
  /** Commands sent again during the steady outage. */
  retries: number | undefined;
  /** Connection attempts per node and second during the steady outage. */
  dialsPerNodeSecond: number | undefined;
  /** keyslot's `stats().retries` when the nodes were restarted: what follows is re-sent while they rejoin. */
  retriesAtRestart: number | undefined;
}

/**
 * Commands sent again from the restart to the end of the run (keyslot only): CLUSTERDOWN replies from nodes that
 * have not rejoined yet, and connections lost as they come up. Nothing is re-sent once the cluster serves again, so
 * the final counter minus the one at the restart is the rejoining phase's.
 */
export function resendsWhileRejoining(notes: OutageNotes, finalStats: unknown): number | undefined {
  const retries = (finalStats as Counters | undefined)?.retries;
  return retries === undefined || notes.retriesAtRestart === undefined
    ? undefined
    : retries - notes.retriesAtRestart;
}

interface Counters {
  retries?: number;
  dials?: number;
}

export function outage(settings: ChaosSettings): ScenarioDefinition {
  return {
    id: 'outage',
    number: '4',
    title: `every node stopped ${settings.outageMs / 1000} s, then restarted (${OUTAGE_FLOOD_PER_SECOND.toLocaleString('en-US')} reads/s, default maxPending)`,
    // Acknowledged writes must survive the restart for the audit to mean anything: AOF, fsynced before each reply.
    cluster: { extraConfig: ['appendonly yes', 'appendfsync always'] },
    flood: OUTAGE_FLOOD_PER_SECOND,
    maxPending: 'default',
    keys: spreadKeys('outage'),
    recoveryMark: { mark: 'clusterOkAt', label: 'cluster_state:ok' },
    async fault(context) {
      const { cluster } = context;
      const nodes = [...cluster.nodes];
      const affected = context.keys.map(() => true);
      const heapBefore = liveHeapBytes();
      // Heap in use as the process sees it (no forced GC), every 20 ms.
      const samples: number[] = [];
      const sampler = setInterval(() => samples.push(process.memoryUsage().heapUsed), 20);
      try {
        return await stopAndRestart();
      } finally {
        clearInterval(sampler);
      }
      async function stopAndRestart() {
        // The baseline as the process sees it: the mean over two healthy seconds under the same load.
        await lasting(context, Date.now(), HEALTHY_MS, 'two healthy seconds');
        const healthyHeap = samples.reduce((sum, value) => sum + value, 0) / samples.length;
        const outageFrom = samples.length;
        const faultAt = begin(context);
        // All at once, so that no replica is promoted while the others go down.
        await Promise.all(nodes.map((node) => cluster.stop(node)));
        const downAt = Date.now();
        await lasting(context, downAt, ONSET_MS, 'the onset of the outage');
        const steady = { counters: context.clientStats() as Counters | undefined, cpu: process.cpuUsage() };
        const steadyAt = Date.now();
        // The heap is measured near the end, when the most has piled up (a full GC takes a moment under load).
        await lasting(context, faultAt, settings.outageMs - 1_000, 'most of the outage');
        const cpu = process.cpuUsage(steady.cpu);
        const peakHeap = Math.max(...samples.slice(outageFrom));
        const steadyMs = Date.now() - steadyAt;
        const counters = context.clientStats() as Counters | undefined;
        const pending = context.pending();
        const live = liveHeapBytes();
        context.measureHeap();
        await lasting(context, faultAt, settings.outageMs, `${settings.outageMs} ms of outage`);
        const delta = (name: keyof Counters) => {
          const now = counters?.[name];
          const then = steady.counters?.[name];
          return now === undefined || then === undefined ? undefined : now - then;
        };
        const dials = delta('dials');
        const notes: OutageNotes = {
          pending,
          bytesPerPending: pending > 0 ? Math.round((live - heapBefore) / pending) : 0,
          peakHeapGrowthBytes: Math.round(peakHeap - healthyHeap),
          peakHeapOverLiveBaselineBytes: peakHeap - heapBefore,
          cpuShare: Number(((cpu.user + cpu.system) / 1000 / steadyMs).toFixed(3)),
          retries: delta('retries'),
          dialsPerNodeSecond:
            dials === undefined ? undefined : Number((dials / nodes.length / (steadyMs / 1000)).toFixed(2)),
          retriesAtRestart: undefined,
        };
        const restartAt = Date.now();
        notes.retriesAtRestart = (context.clientStats() as Counters | undefined)?.retries;
        // The servers' own recovery (loading the AOF, agreeing again) is not the client's: note when every node
        // says cluster_state:ok, and measure the client from there too.
        let clusterOkAt = 0;
        const clusterOk = cluster.waitFor(
          async () => {
            const infos = await Promise.all(
              nodes.map((node) =>
                cluster.adminWithTimeout(node, 500, 'CLUSTER', 'INFO').then(String, () => ''),
              ),
            );
            if (!infos.every((info) => info.includes('cluster_state:ok'))) return false;
            clusterOkAt = Date.now();
            return true;
          },
          { timeoutMs: 60_000, intervalMs: 25, message: 'cluster_state:ok on every restarted node' },
        );
        await Promise.all(nodes.map((node) => cluster.restart(node)));
        await clusterOk;
        return {
          faultAt,
          affected,
          marks: { downAt, restartAt, clusterOkAt, restartedAt: Date.now() },
          notes: { ...notes },
        };
      }
    },
  };
}
