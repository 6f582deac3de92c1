import { describe, expect, it } from 'vitest';
import { topologyFromShards, topologyFromSlots, withNodesHealth } from '../../../src/cluster/topology.js';
import { shardsNode as node, shardsEntry as shard } from '../../support/shards-reply.js';

// A CLUSTER SLOTS reply and the CLUSTER NODES text of the same cluster (a server without CLUSTER SHARDS): one shard
// with an online replica, one whose replica failed, one whose old primary failed and was replaced.
const SLOTS = [
  [0, 8191, ['127.0.0.1', 7000, 'a'], ['127.0.0.1', 7003, 'd']],
  [8192, 16383, ['127.0.0.1', 7001, 'b']],
];
const NODES = [
  'a 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-8191',
  'b 127.0.0.1:7001@17001 master - 0 0 2 connected 8192-16383',
  'd 127.0.0.1:7003@17003 slave,fail? a 0 0 1 connected',
  'e 127.0.0.1:7004@17004 slave,fail b 0 0 2 connected',
  'c 127.0.0.1:7002@17002 master,fail - 0 0 3 disconnected',
  'f :0@0 master,noaddr - 0 0 0 disconnected',
  '',
].join('\n');

describe('withNodesHealth (servers without CLUSTER SHARDS)', () => {
  const topology = withNodesHealth(topologyFromSlots(SLOTS, '127.0.0.1'), NODES, '127.0.0.1');

  it('takes each routed node health from its flags: a one-node suspicion (fail?) is not a failure', () => {
    expect(topology.shards.map((s) => [s.primary.address, s.primary.health])).toEqual([
      ['127.0.0.1:7000', 'online'],
      ['127.0.0.1:7001', 'online'],
    ]);
    expect(topology.shards[0]!.replicas.map((r) => r.health)).toEqual(['online']);
  });

  it('lists the nodes CLUSTER SLOTS leaves out as unrouted, failed, with their primary; never a node without address', () => {
    expect(topology.unrouted).toEqual([
      expect.objectContaining({
        address: '127.0.0.1:7004',
        role: 'replica',
        health: 'failed',
        primary: '127.0.0.1:7001',
      }),
      expect.objectContaining({ address: '127.0.0.1:7002', role: 'primary', health: 'failed' }),
    ]);
  });

  it('leaves the routing as CLUSTER SLOTS says', () => {
    expect(topology.fingerprint).toBe(topologyFromSlots(SLOTS, '127.0.0.1').fingerprint);
  });
});

describe('topologyFromShards health', () => {
  // As Redis 7.4 and Valkey 8.0 write it (`fail`, not the documented `failed`): a shard whose old primary failed
  // and was replaced, with a replica still loading and one that failed.
  const reply = [
    shard(
      [0, 16383],
      node('old', 7000, 'master', 'fail'),
      node('new', 7001, 'master', 'online'),
      node('loading', 7002, 'replica', 'loading'),
      node('dead', 7003, 'replica', 'fail'),
      node('ok', 7004, 'replica', 'online'),
    ),
  ];
  const topology = topologyFromShards(reply, '127.0.0.1')!;

  it('routes to the primary that has not failed and to online replicas only', () => {
    expect(topology.shards).toHaveLength(1);
    expect(topology.shards[0]!.primary).toMatchObject({ id: 'new', health: 'online' });
    expect(topology.shards[0]!.replicas.map((r) => r.id)).toEqual(['ok']);
  });

  it('keeps the other nodes, with their health, as unrouted', () => {
    expect(topology.unrouted.map((n) => [n.id, n.role, n.health, n.primary])).toEqual([
      ['loading', 'replica', 'loading', '127.0.0.1:7001'],
      ['dead', 'replica', 'failed', '127.0.0.1:7001'],
      ['old', 'primary', 'failed', undefined],
    ]);
  });
});
