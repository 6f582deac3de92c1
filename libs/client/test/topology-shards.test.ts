// CLUSTER SHARDS replies in the shapes the servers of the test matrix send (recorded from real servers), where
// they differ: after a failover whose old primary stays down, and while Valkey's shard ids settle.
import { describe, expect, it } from 'vitest';
import type { ClusterRouter } from '../src/cluster/router.js';
import { topologyFromShards } from '../src/cluster/topology.js';
import { describeTopology } from '../src/cluster/topology-snapshot.js';
import { shardsNode as node, shardsEntry as shard } from './support/shards-reply.js';

const healthy = [
  shard([5461, 10921], node('b', 7002, 'master'), node('b1', 7005, 'replica')),
  shard([10922, 16383], node('c', 7003, 'master'), node('c1', 7006, 'replica')),
];

describe('topologyFromShards', () => {
  it('Redis 7.0 after a failover: the failed primary in a slotless shard of its own is left out', () => {
    const topology = topologyFromShards(
      [
        shard([], node('a', 7001, 'master', 'fail')),
        shard([0, 5460], node('a1', 7004, 'master')),
        ...healthy,
      ],
      '127.0.0.1',
    )!;
    expect(topology.coveredSlots).toBe(16384);
    expect(topology.shardFor(0)?.primary.address).toBe('127.0.0.1:7004');
    expect(topology.addresses()).not.toContain('127.0.0.1:7001');
  });

  it('Valkey 8 after a failover: the failed primary listed in its shard, before or after the promoted one, is never taken for the primary', () => {
    for (const nodes of [
      [node('a', 7001, 'master', 'fail'), node('a1', 7004, 'master')],
      [node('a1', 7004, 'master'), node('a', 7001, 'master', 'fail')],
    ]) {
      const topology = topologyFromShards([shard([0, 5460], ...nodes), ...healthy], '127.0.0.1')!;
      expect(topology.coveredSlots).toBe(16384);
      expect(topology.shardFor(0)?.primary.address).toBe('127.0.0.1:7004');
      expect(topology.addresses()).not.toContain('127.0.0.1:7001');
    }
  });

  it('a failed primary not replaced yet stays the primary of its slots (commands to it fail and prompt refreshes)', () => {
    const topology = topologyFromShards(
      [shard([0, 5460], node('a', 7001, 'master', 'fail'), node('a1', 7004, 'replica')), ...healthy],
      '127.0.0.1',
    )!;
    expect(topology.coveredSlots).toBe(16384);
    expect(topology.shardFor(0)).toMatchObject({ primary: { address: '127.0.0.1:7001' } });
  });

  it('topology() reports a failed primary that still holds its slots as routed, and one already replaced as not routed', () => {
    const routedOf = (reply: unknown[]) => {
      const topology = topologyFromShards(reply, '127.0.0.1')!;
      // Only the map matters here: no node handles, as before any connection.
      const router = { topology, nodeHandles: () => new Map() } as unknown as ClusterRouter;
      return describeTopology(router).nodes.find((n) => n.address === '127.0.0.1:7001')?.routed;
    };
    const failed = node('a', 7001, 'master', 'fail');
    expect(routedOf([shard([0, 5460], failed, node('a1', 7004, 'replica')), ...healthy])).toBe(true);
    expect(routedOf([shard([0, 5460], failed, node('a1', 7004, 'master')), ...healthy])).toBe(false);
  });

  it('Redis 7.2 to 7.4 after a failover: a shard whose live primary shows no slots makes the reply unusable (CLUSTER SLOTS is asked instead)', () => {
    const hidden = shard([], node('a', 7001, 'master', 'fail'), node('a1', 7004, 'master'));
    expect(topologyFromShards([hidden, ...healthy], '127.0.0.1')).toBeUndefined();
  });

  it('an old primary back from a restart, listed as a live master beside its replacement, makes the reply unusable in either order (CLUSTER SLOTS is asked instead)', () => {
    const restarted = node('a', 7001, 'master');
    const replacement = node('a1', 7004, 'master');
    for (const pair of [
      [restarted, replacement],
      [replacement, restarted],
    ]) {
      expect(topologyFromShards([shard([0, 5460], ...pair), ...healthy], '127.0.0.1')).toBeUndefined();
    }
  });

  it('an empty primary just added (one master, no slots) is no reason to distrust the reply', () => {
    const topology = topologyFromShards([shard([], node('new', 7007, 'master')), ...healthy], '127.0.0.1');
    expect(topology?.coveredSlots).toBe(16384 - 5461);
  });

  it('Valkey 8 while shard ids settle: a replica listed alone in a slotless shard is left out, its primary’s shard stays whole', () => {
    const topology = topologyFromShards(
      [shard([0, 5460], node('a', 7001, 'master')), shard([], node('a1', 7004, 'replica')), ...healthy],
      '127.0.0.1',
    )!;
    expect(topology.coveredSlots).toBe(16384);
    expect(topology.shardFor(0)).toMatchObject({ primary: { address: '127.0.0.1:7001' }, replicas: [] });
    expect(topology.addresses()).not.toContain('127.0.0.1:7004');
  });

  it('replicas that are loading or failed are left out; the documented `failed` spelling counts as failed too', () => {
    const topology = topologyFromShards(
      [
        shard(
          [0, 5460],
          node('a', 7001, 'master'),
          node('a1', 7004, 'replica', 'loading'),
          node('a2', 7008, 'replica', 'fail'),
        ),
        shard([5461, 16383], node('x', 7009, 'master', 'failed'), node('b', 7002, 'master')),
      ],
      '127.0.0.1',
    )!;
    expect(topology.shardFor(0)?.replicas).toEqual([]);
    expect(topology.shardFor(6000)?.primary.address).toBe('127.0.0.1:7002');
  });
});
