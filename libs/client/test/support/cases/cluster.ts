// Cases of the CLUSTER subcommands, on connections to one node of a cluster (what they describe is that node).
import type { DevClusterNode } from '@keyslot/dev-cluster';
import { expect } from 'vitest';
import { defineCase } from '../command-cases.js';

const HEX40 = /^[0-9a-f]{40}$/;

/** The node the connections go to, a key whose slot it owns, and that slot (known once the cluster runs). */
export interface ClusterCaseContext {
  node: DevClusterNode;
  key: string;
  slot: number;
}

/** The cases, reading the context only when they run. */
export function clusterCases(context: () => ClusterCaseContext) {
  const node = () => context().node;
  return [
    defineCase({
      methods: ['clusterKeySlot', 'clusterCountKeysInSlot', 'clusterGetKeysInSlot'],
      command: 'CLUSTER GETKEYSINSLOT',
      setup: (c) => c.set(context().key, 'v'),
      run: async (c) => [
        await c.clusterKeySlot('foo'),
        await c.clusterKeySlot(context().key),
        await c.clusterCountKeysInSlot(context().slot),
        await c.clusterGetKeysInSlot(context().slot, 10),
      ],
      check: (v) => expect(v).toEqual([12182, context().slot, 1, [context().key]]),
    }),
    defineCase({
      methods: ['clusterInfo', 'clusterNodes', 'clusterMyId'],
      command: 'CLUSTER MYID',
      run: async (c) => {
        const id = await c.clusterMyId();
        const nodes = await c.clusterNodes();
        return [
          HEX40.test(id),
          id === node().id,
          /cluster_state:ok/.test(await c.clusterInfo()),
          nodes.includes(`${id} `),
          nodes.split('\n').filter(Boolean).length,
        ];
      },
      check: (v) => expect(v).toEqual([true, true, true, true, 3]),
    }),
    defineCase({
      methods: ['clusterMyShardId'],
      command: 'CLUSTER MYSHARDID',
      run: async (c) => HEX40.test(await c.clusterMyShardId()),
      check: (v) => expect(v).toBe(true),
    }),
    defineCase({
      methods: ['clusterShards'],
      command: 'CLUSTER SHARDS',
      run: (c) => c.clusterShards(),
      check: (shards) => {
        expect(shards).toHaveLength(3);
        const mine = shards.find((shard) => shard.nodes.some((n) => n.id === node().id))!;
        expect(mine.slots).toEqual(node().slots.flat());
        expect(mine.nodes).toEqual([
          {
            id: node().id,
            port: node().port,
            ip: '127.0.0.1',
            endpoint: '127.0.0.1',
            role: 'master',
            'replication-offset': expect.any(Number),
            health: 'online',
          },
        ]);
      },
    }),
    defineCase({
      methods: ['clusterSlots'],
      command: 'CLUSTER SLOTS',
      run: (c) => c.clusterSlots(),
      check: (ranges) => {
        expect(ranges).toHaveLength(3);
        const mine = ranges.find((range) => range[2][2] === node().id)!;
        expect(mine).toEqual([
          node().slots[0]![0],
          node().slots[0]![1],
          ['127.0.0.1', node().port, node().id, {}],
        ]);
      },
    }),
    defineCase({
      methods: ['clusterLinks'],
      command: 'CLUSTER LINKS',
      run: (c) => c.clusterLinks(),
      check: (links) => {
        // Two links per peer: one it opened, one we opened.
        expect(links).toHaveLength(4);
        for (const link of links) {
          expect(link).toEqual({
            direction: expect.stringMatching(/^(from|to)$/),
            node: expect.stringMatching(HEX40),
            'create-time': expect.any(Number),
            events: expect.any(String),
            'send-buffer-allocated': expect.any(Number),
            'send-buffer-used': expect.any(Number),
          });
        }
      },
      varies: true,
    }),
    defineCase({
      methods: ['clusterSlotStats'],
      command: 'CLUSTER SLOT-STATS',
      setup: (c) => c.set(context().key, 'v'),
      run: async (c) => [
        await c.clusterSlotStats({ startSlot: context().slot, endSlot: context().slot }),
        (await c.clusterSlotStats({ metric: 'key-count', limit: 1, order: 'DESC' }))[0]?.[1],
      ],
      check: (v) => expect(v).toEqual([[[context().slot, { 'key-count': 1 }]], { 'key-count': 1 }]),
    }),
  ];
}
