// Where cluster servers answer differently: how CLUSTER SHARDS shows a shard whose failed primary was replaced and
// stays down (each server checked against its row in support/server-expectations.ts), and that the client routes
// every slot to the promoted primary whatever the shape, asking CLUSTER SLOTS only where SHARDS hides the slots.
import { type DevCluster, type DevClusterNode, type RespReply, startCluster } from '@keyslot/dev-cluster';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterClient } from '../src/index.js';
import { callsOf, keysInSlot } from './cluster-helpers.js';
import { onServer } from './support/server.js';
import { expected, type ShardsAfterFailover } from './support/server-expectations.js';

let cluster: DevCluster;
beforeAll(async () => {
  cluster = await startCluster({ primaries: 3, replicasPerPrimary: 1 });
});
afterAll(async () => {
  await cluster?.stop();
});

/** A RESP2 list of alternating names and values, as a map. */
function pairs(reply: RespReply): Map<string, RespReply> {
  const map = new Map<string, RespReply>();
  if (Array.isArray(reply))
    for (let i = 0; i + 1 < reply.length; i += 2) map.set(String(reply[i]), reply[i + 1]!);
  return map;
}

/**
 * How a CLUSTER SHARDS reply shows the failed primary `failedId` and the replica `promotedId` that replaced it, and
 * whether it lists the failed one first when they share a shard.
 */
function shapeAfterFailover(reply: RespReply, failedId: string, promotedId: string) {
  const shards = (reply as RespReply[]).map((shard) => {
    const fields = pairs(shard);
    const nodes = (fields.get('nodes') as RespReply[]).map(pairs);
    return {
      slots: fields.get('slots') as number[],
      ids: nodes.map((node) => String(node.get('id'))),
      nodes,
    };
  });
  const failed = shards.find((shard) => shard.ids.includes(failedId));
  const promoted = shards.find((shard) => shard.ids.includes(promotedId));
  if (!failed || !promoted) throw new Error('CLUSTER SHARDS does not list both nodes');
  const failedNode = failed.nodes.find((node) => node.get('id') === failedId)!;
  expect([failedNode.get('role'), failedNode.get('health')]).toEqual(['master', 'fail']);
  const failedListedFirst =
    failed === promoted && failed.ids.indexOf(failedId) < failed.ids.indexOf(promotedId);
  let shape: ShardsAfterFailover | 'other' = 'other';
  if (failed !== promoted) {
    if (failed.slots.length === 0 && promoted.slots.length > 0) shape = 'failed-primary-apart';
  } else shape = promoted.slots.length === 0 ? 'slots-hidden' : 'failed-primary-listed';
  return { shape, failedListedFirst };
}

describe(onServer('a primary replaced while it stays down'), () => {
  it('CLUSTER SHARDS shows the shard as this server does; the client routes every slot to the promoted primary', async () => {
    const [primary] = cluster.primaries;
    const [replica] = cluster.replicasOf(primary!);
    const slots = primary!.slots.map((range) => [...range]);
    const slot = slots[0]![0]!;
    await cluster.kill(primary!);
    await cluster.waitFor(
      async () => {
        await cluster.refresh();
        return replica!.role === 'primary';
      },
      { timeoutMs: 30_000, message: 'the replica to be promoted' },
    );
    await cluster.waitUntilReady();
    const running = cluster.nodes.filter((node) => node.state === 'running');
    const { failedListedFirst, promotedListedFirst } = expected().shardsAfterFailover;
    const shapes = new Map<DevClusterNode, ShardsAfterFailover | 'other'>();
    for (const node of running) {
      const seen = shapeAfterFailover(
        await cluster.admin(node, 'CLUSTER', 'SHARDS'),
        primary!.id,
        replica!.id,
      );
      const want = seen.failedListedFirst ? failedListedFirst : promotedListedFirst;
      expect([node.address, seen.shape]).toEqual([node.address, want]);
      shapes.set(node, seen.shape);
    }

    // One seed, one that hides the slots if any does: the client asks it alone at first.
    const seed = running.find((node) => shapes.get(node) === 'slots-hidden') ?? running[0]!;
    const slotsCallsBefore = await callsOf(cluster, seed, 'cluster|slots');
    const conn = await new ClusterClient(seed.address).getConnection();
    try {
      const topology = conn.topology();
      expect(topology.coveredSlots).toBe(16384);
      expect(topology.nodes.find((node) => node.address === replica!.address)).toMatchObject({
        role: 'primary',
        slots,
      });
      // The dead primary is no longer routed to; it may stay listed with the cluster's verdict on it.
      expect(topology.nodes.filter((node) => node.routed).map((node) => node.address)).not.toContain(
        primary!.address,
      );
      const [key] = keysInSlot(slot, 1, 'after-failover:');
      await conn.set(key!, 'served');
      expect(String(await cluster.admin(replica!, 'GET', key!))).toBe('served');
    } finally {
      await conn.close();
    }
    // Only a reply that hides the slots sends the client to CLUSTER SLOTS.
    const askedSlots = (await callsOf(cluster, seed, 'cluster|slots')) > slotsCallsBefore;
    expect(askedSlots).toBe(shapes.get(seed) === 'slots-hidden');
  });
});
