// The "done means" fault scenarios, each on a 3+3 cluster of its own: a primary SIGKILLed under 1,000 concurrent
// callers; a graceful failover and 100 slots resharded under load; every node stopped for 10 s.
import { type DevCluster, startCluster } from '@keyslot/dev-cluster';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterClient, type ClusterConnection } from '../src/index.js';
import {
  auditIncrs,
  keysInSlot,
  liveHeap,
  settle,
  slotOf,
  spreadKeys,
  startIncrLoad,
  tagOn,
  timed,
} from './cluster-helpers.js';
import { onServer } from './support/server.js';
import { withCluster } from './support/with-cluster.js';

/** Figures printed at the end of each scenario, for the report. */
function report(scenario: string, figures: Record<string, unknown>): void {
  console.log(`[${scenario}] ${JSON.stringify(figures)}`);
}

describe(onServer('a primary SIGKILLed under 1,000 concurrent callers'), () => {
  let cluster: DevCluster;
  let conn: ClusterConnection;
  withCluster((started) => ({ cluster, conn } = started), { topologyCheckIntervalMs: 1000 });

  it('settles every promise, recovers by itself once the replica is promoted, and applies no INCR twice', async () => {
    const keys = spreadKeys(1000, 'kill:');
    const victim = cluster.primaries[0]!;
    const heir = cluster.replicasOf(victim)[0]!;
    const healthy = cluster.primaries[1]!;
    const onVictim = keys.map((key) => cluster.ownerOf(slotOf(key))!.id === victim.id);
    const load = startIncrLoad(conn, keys);
    await cluster.waitFor(() => load.acked.every((n) => n > 0), {
      timeoutMs: 15_000,
      message: 'every caller to be acknowledged once',
    });

    // CLUSTERDOWN happens for real on the healthy shards between the failure report and the promotion.
    const probeKey = `${tagOn(cluster, healthy, 'probe')}:k`;
    const clusterDownSeen = cluster
      .waitFor(
        async () => {
          try {
            await cluster.adminWithTimeout(healthy, 1000, 'GET', probeKey);
            return false;
          } catch (error) {
            return /CLUSTERDOWN/.test((error as Error).message);
          }
        },
        { timeoutMs: 20_000, intervalMs: 20, message: 'a CLUSTERDOWN reply on a healthy primary' },
      )
      .then(
        () => true,
        () => false,
      );

    const ackedAtKill = load.totalAcked();
    const killedAt = Date.now();
    await cluster.kill(victim);
    // A blocking command issued while the shard has no primary waits for one (it was never sent), then blocks.
    const blockKey = `${tagOn(cluster, victim, 'blocked')}:queue`;
    const blocked = settle(conn.blpop(blockKey, 20));
    await cluster.waitFor(async () => String(await cluster.admin(heir, 'ROLE')).startsWith('master'), {
      timeoutMs: 20_000,
      message: `${heir.address} to be promoted`,
    });
    const promotedAt = Date.now();
    await cluster.waitFor(() => load.lastAckAt.every((at, i) => !onVictim[i] || at > promotedAt), {
      timeoutMs: 20_000,
      message: "every caller of the dead primary's keys to be served again",
    });
    const recoveredAt = Date.now();
    await conn.rpush(blockKey, 'after-failover');
    expect(await blocked).toEqual({ ok: true, value: { key: blockKey, element: 'after-failover' } });
    // Keep the load on the healed cluster for another round of every caller.
    const ackedAtRecovery = load.totalAcked();
    await cluster.waitFor(() => load.totalAcked() >= ackedAtRecovery + 2 * keys.length, {
      timeoutMs: 20_000,
      message: 'load to flow on the healed cluster',
    });
    const stopped = await timed(() => load.stop());

    const values = await conn.mget(keys);
    const audit = auditIncrs(load, values);
    const healthyErrors = keys.reduce(
      (sum, _, i) => sum + (onVictim[i] ? 0 : load.unknown[i]! + load.failed[i]!),
      0,
    );
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    const firstError = Math.min(...load.errorTimes);
    const lastError = Math.max(...load.errorTimes);
    report('sigkill', {
      callers: keys.length,
      callersOnVictim: onVictim.filter(Boolean).length,
      ackedBeforeKill: ackedAtKill,
      ackedTotal: load.totalAcked(),
      outcomeUnknownOrTimeout: sum(load.unknown),
      otherErrors: sum(load.failed),
      errorKinds: Object.fromEntries(load.errorKinds),
      errorsOnHealthyShards: healthyErrors,
      errorWindowMs: load.errorTimes.length ? [firstError - killedAt, lastError - killedAt] : [],
      promotionMs: promotedAt - killedAt,
      servedAgainAfterPromotionMs: recoveredAt - promotedAt,
      killToRecoveryMs: recoveredAt - killedAt,
      stopMs: Math.round(stopped.ms),
      duplicates: audit.duplicates,
      lostAcks: audit.lostAcks,
      keysWithLostAcks: audit.keysWithLoss,
      clusterDownSeen: await clusterDownSeen,
      stats: conn.stats(),
    });
    expect(audit.duplicates).toBe(0);
    expect(sum(load.failed)).toBe(0); // only "outcome unknown" (or a deadline) may reach a caller
    expect(healthyErrors).toBe(0); // CLUSTERDOWN is waited out, never handed to callers of healthy shards
    expect(await clusterDownSeen).toBe(true);
    expect(stopped.ms).toBeLessThan(6000); // every promise settled within its deadline

    // The killed node comes back as a replica of its heir: it is part of the topology again and reachable.
    await cluster.restart(victim);
    await cluster.waitFor(
      () =>
        conn
          .topology()
          .nodes.some(
            (node) =>
              node.address === victim.address && node.role === 'replica' && node.primary === heir.address,
          ),
      { timeoutMs: 15_000, message: 'the restarted node to be back in the topology' },
    );
    expect(await conn.onNode(victim.address, { name: 'PING', args: [] })).toBe('PONG');
    await cluster.waitFor(
      () => conn.topology().nodes.find((n) => n.address === victim.address)?.connected === true,
      {
        timeoutMs: 5000,
        message: 'a connection to the restarted node',
      },
    );
  });
});

describe(onServer('a graceful CLUSTER FAILOVER and 100 slots moved with their keys, under load'), () => {
  let cluster: DevCluster;
  let conn: ClusterConnection;
  withCluster((started) => ({ cluster, conn } = started));

  it('lets zero errors reach the callers', async () => {
    const [first, second, third] = cluster.primaries as [never, never, never];
    const [start] = (second as { slots: [number, number][] }).slots[0]!;
    const slots = Array.from({ length: 100 }, (_, i) => start + 500 + i);
    const keys = [...slots.flatMap((slot) => keysInSlot(slot, 2, 'mv')), ...spreadKeys(300, 'calm:')];
    const load = startIncrLoad(conn, keys);
    await cluster.waitFor(() => load.acked.every((n) => n > 0), { timeoutMs: 15_000, message: 'warm-up' });

    const failover = await timed(() => cluster.failover(cluster.replicasOf(first)[0]!));
    const afterFailover = load.totalAcked();
    await cluster.waitFor(() => load.totalAcked() >= afterFailover + keys.length, {
      timeoutMs: 10_000,
      message: 'load to flow after the failover',
    });
    const reshard = await timed(() => cluster.moveSlots(slots, third));
    const afterMove = load.totalAcked();
    await cluster.waitFor(() => load.totalAcked() >= afterMove + keys.length, {
      timeoutMs: 10_000,
      message: 'load to flow after the reshard',
    });
    await load.stop();
    for (const slot of slots.slice(0, 3))
      expect(cluster.ownerOf(slot)?.id).toBe((third as { id: string }).id);

    const values = await conn.mget(keys);
    report('failover+reshard', {
      callers: keys.length,
      acked: load.totalAcked(),
      errors: load.totalErrors(),
      errorKinds: Object.fromEntries(load.errorKinds),
      failoverMs: Math.round(failover.ms),
      reshardMs: Math.round(reshard.ms),
      stats: conn.stats(),
    });
    expect(load.totalErrors()).toBe(0);
    expect(values.map(Number)).toEqual(load.acked);
  });
});

describe(onServer('every node stopped for 10 s'), () => {
  let cluster: DevCluster;
  let conn: ClusterConnection;
  const maxPending = 2000;
  beforeAll(async () => {
    cluster = await startCluster({ primaries: 3, replicasPerPrimary: 1 });
    conn = await new ClusterClient(cluster.seeds).getConnection({ maxPending });
  });
  afterAll(async () => {
    conn?.destroy();
    await cluster?.stop();
  });

  it('serves again on the same connection without help, with bounded memory meanwhile', async () => {
    const keys = spreadKeys(200, 'outage:');
    const load = startIncrLoad(conn, keys);
    await cluster.waitFor(() => load.acked.every((n) => n > 0), { timeoutMs: 15_000, message: 'warm-up' });

    // Besides the callers, a flood of fire-and-forget commands (2,000 per 50 ms) that must not pile up.
    let flooding = true;
    const flood = { sent: 0, ok: 0, queueFull: 0, timeout: 0, other: 0 };
    const flooder = (async () => {
      while (flooding) {
        for (let i = 0; i < 2000; i++) {
          flood.sent++;
          conn.get(`flood:${i}`).then(
            () => flood.ok++,
            (error: { code?: string }) => {
              if (error.code === 'ERR_KEYSLOT_QUEUE_FULL') flood.queueFull++;
              else if (error.code === 'ERR_KEYSLOT_TIMEOUT') flood.timeout++;
              else flood.other++;
            },
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    let sampling = true;
    let maxSeenPending = 0;
    let maxHeap = 0;
    const sampler = (async () => {
      while (sampling) {
        maxSeenPending = Math.max(maxSeenPending, conn.stats().pending);
        maxHeap = Math.max(maxHeap, process.memoryUsage().heapUsed);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();

    const heapBefore = liveHeap();
    for (const node of cluster.nodes) await cluster.stop(node);
    const downAt = Date.now();
    const ackedWhenDown = load.totalAcked();
    // The outage itself: 10 s of load against a cluster with no node at all.
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    const pendingAtEnd = conn.stats().pending;
    const heapDuring = liveHeap();
    const ackedWhileDown = load.totalAcked() - ackedWhenDown;
    for (const node of cluster.nodes) await cluster.restart(node);
    const upAt = Date.now();
    await cluster.waitFor(() => load.lastAckAt.every((at) => at > upAt), {
      timeoutMs: 20_000,
      message: 'every caller to be served again',
    });
    const recoveredAt = Date.now();
    flooding = false;
    await flooder;
    await load.stop();
    await cluster.waitFor(() => conn.stats().pending === 0, {
      timeoutMs: 10_000,
      message: 'the flood to settle',
    });
    sampling = false;
    await sampler;
    const heapAfter = liveHeap();

    report('all-down-10s', {
      outageMs: upAt - downAt,
      ackedWhileEveryNodeWasDown: ackedWhileDown,
      servedAgainAfterRestartMs: recoveredAt - upAt,
      callerErrors: Object.fromEntries(load.errorKinds),
      flood,
      maxPending,
      maxSeenPending,
      pendingAtEndOfOutage: pendingAtEnd,
      heapBeforeMB: Math.round(heapBefore / 2 ** 20),
      heapEndOfOutageMB: Math.round(heapDuring / 2 ** 20),
      heapPeakWithGarbageMB: Math.round(maxHeap / 2 ** 20),
      heapAfterMB: Math.round(heapAfter / 2 ** 20),
      stats: conn.stats(),
    });
    expect(load.lastAckAt.every((at) => at > upAt)).toBe(true);
    expect(await conn.set('after-outage', 'ok')).toBe('OK');
    expect(await conn.get('after-outage')).toBe('ok');
    expect(maxSeenPending).toBeLessThanOrEqual(maxPending);
    expect(flood.queueFull).toBeGreaterThan(0);
    expect(flood.other).toBe(0);
    expect(heapDuring - heapBefore).toBeLessThan(64 * 2 ** 20);
  });
});
