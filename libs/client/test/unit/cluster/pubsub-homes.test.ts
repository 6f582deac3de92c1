import { describe, expect, it } from 'vitest';
import { slotOfKey } from '../../../src/cluster/key-slots.js';
import { reachesSubscriber, shardNodes } from '../../../src/cluster/pubsub-homes.js';
import { type NodeHealth, Topology } from '../../../src/cluster/topology.js';

const node = (port: number, health: NodeHealth = 'online') => ({
  id: String(port),
  host: '127.0.0.1',
  port,
  address: `127.0.0.1:${port}`,
  health,
});

const channel = '{a}news';
const slot = slotOfKey(channel);

/** 7000 serves the channel's slot with replica 7001; 7003 serves the rest; 7002 is a replica of 7000 not online. */
function view(): Topology {
  return new Topology(
    [
      { primary: node(7000), replicas: [node(7001)], slots: [[slot, slot]] },
      { primary: node(7003), replicas: [], slots: slot === 0 ? [[1, 16383]] : [[0, slot - 1]] },
    ],
    [
      { ...node(7002, 'loading'), role: 'replica', primary: '127.0.0.1:7000' },
      { ...node(7004, 'failed'), role: 'primary' },
      { ...node(7005), role: 'primary' },
    ],
  );
}

describe('shardNodes', () => {
  it("lists the slot owner first, then its replicas, routed or not yet online, never another shard's nodes", () => {
    expect(shardNodes(view(), channel)).toEqual(['127.0.0.1:7000', '127.0.0.1:7001', '127.0.0.1:7002']);
  });

  it('is empty when the view has no owner for the slot', () => {
    expect(shardNodes(new Topology([]), channel)).toEqual([]);
  });
});

describe('reachesSubscriber', () => {
  it("says a sharded channel gets its messages on any node of its slot's shard and nowhere else", () => {
    expect(reachesSubscriber(view(), 'shard', channel, '127.0.0.1:7001')).toBe(true);
    expect(reachesSubscriber(view(), 'shard', channel, '127.0.0.1:7002')).toBe(true);
    expect(reachesSubscriber(view(), 'shard', channel, '127.0.0.1:7003')).toBe(false);
  });

  it('does not condemn a sharded subscription while the view has no owner for its slot', () => {
    expect(reachesSubscriber(new Topology([]), 'shard', channel, '127.0.0.1:7003')).toBe(true);
  });

  it('says channels and patterns get their messages on every node listed and not failed', () => {
    for (const kind of ['channel', 'pattern'] as const) {
      expect(reachesSubscriber(view(), kind, 'news', '127.0.0.1:7003')).toBe(true);
      expect(reachesSubscriber(view(), kind, 'news', '127.0.0.1:7005')).toBe(true);
      expect(reachesSubscriber(view(), kind, 'news', '127.0.0.1:7004')).toBe(false);
      expect(reachesSubscriber(view(), kind, 'news', '127.0.0.1:7999')).toBe(false);
    }
  });
});
