// The names ClusterPubSub handles: a call's one name or list, its `kind:name` keys, sharded channels by slot.
import type { SubscriptionKind } from '../pubsub/subscriptions.js';
import { slotOfKey } from './key-slots.js';

export function toList(names: string | readonly string[]): string[] {
  return typeof names === 'string' ? [names] : [...names];
}

export function splitKey(key: string): [SubscriptionKind, string] {
  const colon = key.indexOf(':');
  return [key.slice(0, colon) as SubscriptionKind, key.slice(colon + 1)];
}

/** SSUBSCRIBE takes channels of one slot at a time. */
export function groupBySlot(names: readonly string[]): string[][] {
  const groups = new Map<number, string[]>();
  for (const name of names) {
    const slot = slotOfKey(name);
    groups.set(slot, [...(groups.get(slot) ?? []), name]);
  }
  return [...groups.values()];
}
