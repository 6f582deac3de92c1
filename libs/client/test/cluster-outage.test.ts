// A full outage with default options (maxPending 100,000): every node of a 3+3 cluster SIGKILLed for 10 s under
// 200 INCR callers and 5,000 new GETs a second. Commands wait for their node without being retried, in bounded
// heap and CPU, with a bounded number of connection attempts per node; once the cluster is restarted, everything
// is served again within 0.5 s of it being up, each waiting command re-sent about once while the nodes rejoin.
import { type DevCluster } from '@keyslot/dev-cluster';
import { describe, expect, it } from 'vitest';
import { type ClusterConnection } from '../src/index.js';
import { liveHeap, spreadKeys, startIncrLoad } from './cluster-helpers.js';
import { onServer } from './support/server.js';
import { withCluster } from './support/with-cluster.js';

const OUTAGE_MS = 10_000;
/** New commands a second, from the warm-up to the end. */
const RATE = 5_000;
const MB = 2 ** 20;

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

describe(onServer('every node SIGKILLed for 10 s under 5,000 new commands a second, default options'), () => {
  let cluster: DevCluster;
  let conn: ClusterConnection;
  withCluster((started) => ({ cluster, conn } = started));

  it('waits without retries in under 1 KB of live heap per pending command and little CPU, dials each node a bounded number of times, and serves again within 0.5 s of the restart', async () => {
    const load = startIncrLoad(conn, spreadKeys(200, 'outage:'));
    await cluster.waitFor(() => load.acked.every((n) => n > 0), { timeoutMs: 15_000, message: 'warm-up' });

    const flood = { sent: 0, ok: 0, timeout: 0, other: 0 };
    const onOk = () => flood.ok++;
    const onError = (error: { code?: string }) => {
      if (error.code === 'ERR_KEYSLOT_TIMEOUT') flood.timeout++;
      else flood.other++;
    };
    // Live heap before the flood, for the bytes each pending command keeps.
    const heapBefore = liveHeap();
    // Every 10 ms, as many as the rate asks for since the start: a timer late on a busy machine does not lower it.
    const floodStart = performance.now();
    const flooder = setInterval(() => {
      const due = Math.floor(((performance.now() - floodStart) * RATE) / 1000);
      while (flood.sent < due) conn.get(`flood:${flood.sent++ % 10_000}`).then(onOk, onError);
    }, 10);
    // Heap in use as the process sees it (no forced GC), every 20 ms.
    const samples: number[] = [];
    const sampler = setInterval(() => samples.push(process.memoryUsage().heapUsed), 20);

    try {
      // The baseline as the process sees it: the mean over two healthy seconds under the same load.
      const healthyFrom = samples.length;
      await cluster.waitFor(() => samples.length - healthyFrom >= 100, {
        timeoutMs: 10_000,
        message: '2 s healthy',
      });
      const healthyHeap = mean(samples.slice(healthyFrom));
      const outageFrom = samples.length;
      for (const node of cluster.nodes) await cluster.kill(node);
      const downAt = Date.now();
      // Connections lost in the first moments re-send what they carried once; after that nothing is retried.
      await cluster.waitFor(() => Date.now() - downAt >= 2_000, {
        timeoutMs: 5_000,
        message: '2 s of outage',
      });
      const steady = { stats: conn.stats(), cpu: process.cpuUsage(), at: performance.now() };
      await cluster.waitFor(() => Date.now() - downAt >= OUTAGE_MS, {
        timeoutMs: OUTAGE_MS + 5_000,
        message: 'the outage',
      });
      const cpu = process.cpuUsage(steady.cpu);
      const steadyMs = performance.now() - steady.at;
      const stats = conn.stats();
      const peakHeap = Math.max(...samples.slice(outageFrom));
      const peakGrowth = peakHeap - healthyHeap;
      const pending = stats.pending;
      const perPending = (liveHeap() - heapBefore) / pending;
      const cpuShare = (cpu.user + cpu.system) / 1000 / steadyMs;
      const retries = stats.retries - steady.stats.retries;
      const dialsPerNodeSecond =
        (stats.dials - steady.stats.dials) / cluster.nodes.length / (steadyMs / 1000);

      const beforeRestart = conn.stats();
      for (const node of cluster.nodes) await cluster.restart(node);
      // restart() returns once the last node has rejoined and every node reports cluster_state:ok.
      const upAt = Date.now();
      await cluster.waitFor(() => load.lastAckAt.every((at) => at > upAt), {
        timeoutMs: 10_000,
        message: 'every caller to be served again',
      });
      const servedAgainMs = Date.now() - upAt;
      // Re-sent while the nodes rejoined one by one: CLUSTERDOWN from a node not up yet, each command held until
      // that node itself reads cluster_state:ok (not another node), its re-sends bounded.
      const rejoinResends = conn.stats().retries - beforeRestart.retries;
      clearInterval(flooder);
      await load.stop();
      await cluster.waitFor(() => conn.stats().pending === 0, {
        timeoutMs: 10_000,
        message: 'the flood to settle',
      });

      console.log(
        `[outage-defaults] ${JSON.stringify({
          pending,
          bytesPerPending: Math.round(perPending),
          peakHeapGrowthMB: Math.round(peakGrowth / MB),
          peakHeapOverLiveBaselineMB: Math.round((peakHeap - heapBefore) / MB),
          cpuShareOfOneCore: Number(cpuShare.toFixed(3)),
          retriesInSteadyOutage: retries,
          dialsPerNodeSecond: Number(dialsPerNodeSecond.toFixed(2)),
          servedAgainMs,
          pendingAtRestart: beforeRestart.pending,
          rejoinResends,
          flood,
        })}`,
      );
      expect(pending).toBeGreaterThan(10_000); // the deadline (5 s) holds about 25,000 at 5,000/s
      expect(perPending).toBeLessThan(1024);
      // The peak heap in use without a forced GC (printed above) depends on when V8 collects: the chaos suite's outage
      // fault asserts its bound on a quiet machine; here the live bytes per pending command are the stable measure.
      expect(retries).toBe(0);
      // The backoff (at most 2 s) and the probes of the topology refresh, never one attempt per command.
      expect(dialsPerNodeSecond).toBeLessThan(3);
      // Creating 5,000 commands a second and timing them out is all the work left.
      expect(cpuShare).toBeLessThan(0.25);
      expect(servedAgainMs).toBeLessThan(500);
      // One re-send per command that was waiting when the nodes came back (measured: 1.00), not one per probe of
      // another node (1.8 here, 3.9 in the chaos suite, before commands waited for their own node).
      expect(rejoinResends).toBeLessThan(1.5 * beforeRestart.pending);
      expect(flood.other).toBe(0);
      expect(flood.ok + flood.timeout).toBe(flood.sent);
    } finally {
      clearInterval(flooder);
      clearInterval(sampler);
    }
  });
});
