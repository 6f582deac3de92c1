// Pub/sub across a graceful failover and across resharding, on the connection the callers share: subscribers of
// channels, of a pattern and of sharded channels, and a publisher of numbered messages to each (pubsub-load.ts).
import type { DevCluster } from '@keyslot/dev-cluster';
import { fillerKeys, slotOf, slotsOfRange, tagForSlot } from './keys.js';
import type { PubSubPlan } from './pubsub-load.js';
import type { ScenarioDefinition } from './run-scenario.js';
import { begin, failoverPrimary, keysAcross, type Move, spreadKeys, writeKeys } from './scenario-steps.js';

/** Each stream gets a message every 10 ms: a gap in the messages received tells how long a subscription was away. */
const PUBLISH_INTERVAL_MS = 10;

/** Channels and a pattern anywhere, and `count` sharded channels, one in each of `slots` in turn. */
function planWith(prefix: string, shardSlots: readonly number[], count: number): PubSubPlan {
  return {
    channels: [0, 1, 2].map((i) => `${prefix}:news:${i}`),
    pattern: { pattern: `${prefix}:p:*`, channels: [0, 1, 2].map((i) => `${prefix}:p:${i}`) },
    shardChannels: Array.from(
      { length: count },
      (_, i) => `${tagForSlot(shardSlots[i % shardSlots.length]!)}${prefix}:s:${i}`,
    ),
    intervalMs: PUBLISH_INTERVAL_MS,
  };
}

/** Two sharded channels in a slot of each primary. */
function onEveryPrimary(cluster: DevCluster): number[] {
  return cluster.primaries.flatMap((primary) => slotsOfRange(primary.slots, 2));
}

export const pubsubFailover: ScenarioDefinition = {
  id: 'pubsub-failover',
  number: '9a',
  title: 'pub/sub across a graceful CLUSTER FAILOVER',
  keyslotOnly: true,
  keys: spreadKeys('psfailover'),
  pubsub: (cluster) => planWith('psf', onEveryPrimary(cluster), 6),
  fault: failoverPrimary,
};

export function pubsubReshard(): ScenarioDefinition {
  const move: Move = { slots: [] };
  return {
    id: 'pubsub-reshard',
    number: '9b',
    title: 'pub/sub across slots resharded with their keys',
    keyslotOnly: true,
    keys(cluster, settings) {
      const [, source, target] = cluster.primaries;
      move.slots = slotsOfRange(source!.slots, settings.movedSlots);
      move.target = target;
      return keysAcross('psreshard', move, settings);
    },
    // Six sharded channels in the slots that move, two that stay.
    pubsub: (cluster) => {
      const moving = [0, 1, 2, 3, 4, 5].map((i) => move.slots[Math.floor((i * move.slots.length) / 6)]!);
      const staying = slotsOfRange(cluster.primaries[0]!.slots, 2);
      return planWith('psr', [...moving, ...staying], 8);
    },
    prepare: (context) =>
      writeKeys(context, fillerKeys('filler', move.slots, context.settings.fillerKeysPerSlot)),
    async fault(context) {
      const moving = new Set(move.slots);
      const affected = context.keys.map((key) => moving.has(slotOf(key)));
      const faultAt = begin(context);
      await context.cluster.moveSlots(move.slots, move.target!, { timeoutMs: 120_000 });
      return { faultAt, affected, marks: { movedAt: Date.now() }, notes: { slots: move.slots.length } };
    },
  };
}
