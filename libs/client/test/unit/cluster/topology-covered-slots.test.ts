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
