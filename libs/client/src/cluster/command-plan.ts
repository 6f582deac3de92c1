/**
 * One decision per command: where it goes and how, computed once, before anything is encoded or sent.
 * `ClusterConnection` dispatches on the plan's `kind` and on nothing else.
 */
import type { RedisArg } from '../command.js';
import { blockingTimeoutMs, ownWritesRefusal } from '../commands/blocking.js';
import { safeToResend, singleKeyCommand } from '../commands/command-info.js';
import { ArgumentError, CrossSlotError } from '../errors.js';
import { type FanOutPolicy, fanOutPolicy } from './fan-out-policy.js';
import { CROSS_SLOT, commandSlot, distinctSlots, slotOfKey } from './key-slots.js';
import { type Route, slotRoute } from './route.js';
import { type SplitKind, splitKind } from './split-multi-key.js';

/** Every primary (or every node) runs the command; the replies are combined as the policy says. */
export interface FanOutPlan {
  readonly kind: 'fanOut';
  readonly policy: FanOutPolicy;
  /**
   * WAIT and WAITAOF: their own block time in ms, given on top of the command timeout. They run on each primary's
   * shared connection, where this process's writes went (a dedicated connection has none, and would answer at once).
   */
  readonly blockMs: number | undefined;
}

/** A blocking command (BLPOP, XREAD BLOCK...): it runs on a dedicated connection to its slot's primary. */
export interface DedicatedPlan {
  readonly kind: 'dedicated';
  /** Hash slot of its keys, or `NO_KEY`. */
  readonly slot: number;
  /** Its own block time in ms; 0 for forever. */
  readonly blockMs: number;
}

/** A multi-key command whose keys span slots and that can be split (MGET, MSET, DEL...): one part per slot. */
export interface SplitPlan {
  readonly kind: 'split';
  readonly split: SplitKind;
}

/** The command cannot be sent as it is (keys in several slots, malformed arguments): fail with `error`. */
export interface RejectPlan {
  readonly kind: 'reject';
  readonly error: Error;
}

/** What to do with one command. A `Route` is the plan of a command that is one request to one slot's node. */
export type CommandPlan = Route | FanOutPlan | DedicatedPlan | SplitPlan | RejectPlan;

/**
 * Plans a command. Single-key commands (GET, SET, HSET...) take one cached lookup and one hash and get a shared
 * route value: nothing is allocated for them. Everything else is asked in the order that decides it: fan-out
 * policy (keyless commands only), keys' slots, blocking.
 */
export function planCommand(name: string, args: readonly RedisArg[]): CommandPlan {
  const single = singleKeyCommand(name);
  if (single !== undefined && single.keyIndex < args.length) {
    return slotRoute(slotOfKey(args[single.keyIndex]!), single.flags.readonly);
  }
  const policy = fanOutPolicy(name, args);
  if (policy !== undefined) return fanOutPlan(name, args, policy);
  const slot = commandSlot(name, args);
  if (slot === CROSS_SLOT) return crossSlotPlan(name, args);
  const blockMs = blockingTimeoutMs(name, args);
  if (blockMs !== undefined) return { kind: 'dedicated', slot, blockMs };
  return slotRoute(slot, safeToResend(name, args));
}

function fanOutPlan(name: string, args: readonly RedisArg[], policy: FanOutPolicy): FanOutPlan | RejectPlan {
  const blockMs = blockingTimeoutMs(name, args);
  // WAIT, WAITAOF: forever would stall every command queued behind them on the shared connections.
  const refused = blockMs === undefined ? undefined : ownWritesRefusal(name.toUpperCase(), blockMs);
  if (refused !== undefined) return { kind: 'reject', error: refused };
  return { kind: 'fanOut', policy, blockMs };
}

function crossSlotPlan(name: string, args: readonly RedisArg[]): SplitPlan | RejectPlan {
  const split = splitKind(name);
  if (split === 'mset' && args.length % 2 !== 0) {
    // Checked before any part is sent: a part without its value would otherwise fail after the others ran.
    return {
      kind: 'reject',
      error: new ArgumentError(`${name} takes key/value pairs; got ${args.length} arguments`),
    };
  }
  if (split !== undefined) return { kind: 'split', split };
  const slots = distinctSlots(name, args);
  return {
    kind: 'reject',
    error: new CrossSlotError(
      `${name} keys map to ${slots.length} hash slots (${slots.join(', ')}); in a cluster they must share one slot: give them a common hash tag, e.g. {user1}:a and {user1}:b`,
      slots,
    ),
  };
}
