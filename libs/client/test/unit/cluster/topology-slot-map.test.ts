import { describe, expect, it } from 'vitest';
import { SLOT_COUNT, Topology } from '../../../src/cluster/topology.js';

const node = (port: number) => ({
  id: String(port),
  host: '127.0.0.1',
  port,
  address: `127.0.0.1:${port}`,
  health: 'online' as const,
});

describe('Topology.coveredSlots', () => {
  it('counts the slots some shard serves, once, gaps and single-slot ranges included', () => {
    const topology = new Topology([
      {
        primary: node(7000),
        replicas: [],
        slots: [
          [0, 99],
          [5000, 5000],
        ],
      },
      { primary: node(7001), replicas: [], slots: [[200, SLOT_COUNT - 1]] },
    ]);
    expect(topology.coveredSlots).toBe(100 + 1 + (SLOT_COUNT - 200) - 1);
  });

  it('is 0 for a map without shards and 16384 for a whole one', () => {
    expect(new Topology([]).coveredSlots).toBe(0);
    expect(
      new Topology([{ primary: node(7000), replicas: [], slots: [[0, SLOT_COUNT - 1]] }]).coveredSlots,
    ).toBe(SLOT_COUNT);
  });
});

describe('Topology.fingerprint', () => {
  const overlapping = (first: number, second: number) =>
    new Topology([
      { primary: node(first), replicas: [], slots: [[0, 8191]] },
      { primary: node(second), replicas: [], slots: [[100, SLOT_COUNT - 1]] },
    ]);

  it('differs for two views of the same overlapping shards that give a slot to different primaries', () => {
    const a = overlapping(7000, 7001);
    const b = new Topology([...a.shards].reverse());
    expect(a.shardFor(5000)!.primary.port).not.toBe(b.shardFor(5000)!.primary.port);
    expect(a.fingerprint).not.toBe(b.fingerprint);
  });

  it('is equal for the same slot map whether a shard claims its slots as one range or several', () => {
    const whole = new Topology([
      { primary: node(7000), replicas: [node(7003)], slots: [[0, SLOT_COUNT - 1]] },
    ]);
    const pieces = new Topology([
      {
        primary: node(7000),
        replicas: [node(7003)],
        slots: [
          [8192, SLOT_COUNT - 1],
          [0, 8191],
        ],
      },
    ]);
    expect(pieces.fingerprint).toBe(whole.fingerprint);
  });
});
