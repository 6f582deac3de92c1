// The faults, one definition each. Every one runs on its own cluster under the callers' load; see run-scenario.ts.
import { fillerKeys, slotOf, slotsOfRange } from './keys.js';
import { outOfMemory } from './oom-scenario.js';
import { outage } from './outage-scenario.js';
import { pubsubFailover, pubsubReshard } from './pubsub-scenarios.js';
import { replicaReadsFailover, replicaReadsKill } from './replica-read-scenarios.js';
import type { ScenarioDefinition } from './run-scenario.js';
import {
  begin,
  callersOn,
  failoverPrimary,
  keysAcross,
  killPrimary,
  lasting,
  type Move,
  spreadKeys,
  writeKeys,
} from './scenario-steps.js';
import { credentialsRotated, sigkillTls } from './security-scenarios.js';
import type { ChaosSettings, ScenarioId } from './settings.js';

const sigkill: ScenarioDefinition = {
  id: 'sigkill',
  number: '1',
  title: 'primary SIGKILLed, replica promoted',
  keys: spreadKeys('kill'),
  durable: true,
  recoveryMark: { mark: 'promotedAt', label: 'promotion' },
  fault: killPrimary,
};

const failover: ScenarioDefinition = {
  id: 'failover',
  number: '2',
  title: 'graceful CLUSTER FAILOVER',
  keys: spreadKeys('failover'),
  fault: failoverPrimary,
};

function reshard(): ScenarioDefinition {
  const move: Move = { slots: [] };
  return {
    id: 'reshard',
    number: '3',
    title: 'slots resharded with their keys (moveSlots)',
    keys(cluster, settings) {
      const [, source, target] = cluster.primaries;
      move.slots = slotsOfRange(source!.slots, settings.movedSlots);
      move.target = target;
      return keysAcross('reshard', move, settings);
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

function stall(settings: ChaosSettings): ScenarioDefinition {
  return {
    id: 'stall',
    number: '5',
    title: `primary stalled ${settings.stallMs / 1000} s (SIGSTOP) > ${settings.shortDeadlineMs / 1000} s deadline`,
    // A node timeout well above the stall: the stalled primary must stay primary (no failover mixed in).
    cluster: { nodeTimeoutMs: settings.stallMs * 2 },
    commandTimeoutMs: settings.shortDeadlineMs,
    flood: true,
    keys: spreadKeys('stall'),
    recoveryMark: { mark: 'resumedAt', label: 'resume' },
    async fault(context) {
      const { cluster } = context;
      const victim = cluster.primaries[0]!;
      const affected = callersOn(context, victim);
      const faultAt = begin(context);
      await cluster.pause(victim);
      await lasting(context, faultAt, settings.stallMs - 1_000, 'most of the stall');
      context.measureHeap();
      await lasting(context, faultAt, settings.stallMs, `${settings.stallMs} ms of stall`);
      const resumeAt = Date.now();
      await cluster.resume(victim);
      await cluster.refresh();
      return {
        faultAt,
        affected,
        marks: { resumedAt: resumeAt },
        notes: { stillPrimary: cluster.primaries.some((node) => node.id === victim.id) },
      };
    },
  };
}

const cut: ScenarioDefinition = {
  id: 'cut',
  number: '6a',
  title: 'every connection cut (TCP proxy reset)',
  viaProxies: true,
  keys: spreadKeys('cut'),
  async fault(context) {
    const affected = context.keys.map(() => true);
    const faultAt = begin(context);
    let connections = 0;
    for (const proxy of context.proxies.values()) connections += proxy.cut();
    return { faultAt, affected, notes: { connectionsCut: connections } };
  },
};

/**
 * One primary's proxy swallows every byte, of open and new connections, for `blackholeMs`. Then either `restore()`
 * resets the black-holed connections and forwards again (6b), or `forwardNewConnections()` forwards new ones and
 * leaves the black-holed ones open and silent for good (6c): half-open connections that no reset ever announces.
 */
function blackhole(settings: ChaosSettings, repair: 'reset' | 'none'): ScenarioDefinition {
  const reset = repair === 'reset';
  const seconds = settings.blackholeMs / 1000;
  return {
    id: reset ? 'blackhole' : 'half-open',
    number: reset ? '6b' : '6c',
    title: reset
      ? `primary black-holed ${seconds} s (proxy), then reset`
      : `primary black-holed ${seconds} s (proxy), never reset`,
    viaProxies: true,
    commandTimeoutMs: settings.shortDeadlineMs,
    keys: spreadKeys(reset ? 'blackhole' : 'halfopen'),
    recoveryMark: { mark: 'restoredAt', label: reset ? 'restore' : 'forwarding again' },
    async fault(context) {
      const { cluster } = context;
      const victim = cluster.primaries[0]!;
      const proxy = context.proxies.get(victim.address)!;
      const affected = callersOn(context, victim);
      const faultAt = begin(context);
      proxy.blackhole();
      await lasting(context, faultAt, settings.blackholeMs, `${settings.blackholeMs} ms of black hole`);
      const restoredAt = Date.now();
      let connectionsReset = 0;
      if (reset) connectionsReset = proxy.restore();
      else proxy.forwardNewConnections();
      return {
        faultAt,
        affected,
        marks: { restoredAt },
        notes: { connectionsReset, droppedBytes: proxy.stats().droppedBytes },
      };
    },
  };
}

function newPrimary(): ScenarioDefinition {
  const move: Move = { slots: [] };
  return {
    id: 'new-primary',
    number: '7',
    title: 'new primary added, slots moved to it',
    keys(cluster, settings) {
      // A third of the slots from each primary.
      const primaries = cluster.primaries;
      move.slots = primaries.flatMap((primary, i) =>
        slotsOfRange(
          primary.slots,
          Math.floor(settings.movedSlots / primaries.length) +
            (i < settings.movedSlots % primaries.length ? 1 : 0),
        ),
      );
      return keysAcross('newprimary', move, settings);
    },
    prepare: (context) =>
      writeKeys(context, fillerKeys('filler', move.slots, context.settings.fillerKeysPerSlot)),
    async fault(context) {
      const { cluster } = context;
      const moving = new Set(move.slots);
      const affected = context.keys.map((key) => moving.has(slotOf(key)));
      const faultAt = begin(context);
      const added = await cluster.addPrimary();
      const addedAt = Date.now();
      await cluster.moveSlots(move.slots, added, { timeoutMs: 120_000 });
      return {
        faultAt,
        affected,
        marks: { addedAt, movedAt: Date.now() },
        notes: { newPrimary: added.address, slots: move.slots.length },
      };
    },
  };
}

const replicasRemoved: ScenarioDefinition = {
  id: 'replicas-removed',
  number: '8',
  title: "every replica removed while readFrom: 'replica'",
  readFrom: 'replica',
  keys: spreadKeys('replicas'),
  async fault(context) {
    const { cluster } = context;
    const replicas = [...cluster.replicas];
    const affected = context.keys.map(() => true);
    const faultAt = begin(context);
    for (const replica of replicas) await cluster.removeNode(replica);
    return { faultAt, affected, marks: { removedAt: Date.now() }, notes: { removed: replicas.length } };
  },
};

/** The definition of each scenario, for these settings. */
export function scenario(id: ScenarioId, settings: ChaosSettings): ScenarioDefinition {
  switch (id) {
    case 'sigkill':
      return sigkill;
    case 'failover':
      return failover;
    case 'reshard':
      return reshard();
    case 'outage':
      return outage(settings);
    case 'stall':
      return stall(settings);
    case 'cut':
      return cut;
    case 'blackhole':
      return blackhole(settings, 'reset');
    case 'half-open':
      return blackhole(settings, 'none');
    case 'new-primary':
      return newPrimary();
    case 'replicas-removed':
      return replicasRemoved;
    case 'replica-reads-kill':
      return replicaReadsKill;
    case 'replica-reads-failover':
      return replicaReadsFailover;
    case 'credentials':
      return credentialsRotated();
    case 'oom':
      return outOfMemory(settings);
    case 'sigkill-tls':
      return sigkillTls;
    case 'pubsub-failover':
      return pubsubFailover;
    case 'pubsub-reshard':
      return pubsubReshard();
  }
}
