import type { RedisArg } from '../command.js';
import { keyIndexes } from '../commands/command-info.js';
import { slotOfBytes, slotOfString } from './hash-slot.js';

/** The command's keys span more than one slot. */
export const CROSS_SLOT = -2;
/** The command has no key. */
export const NO_KEY = -1;

/**
 * The hash slot (0 to 16383) of one key, as Redis Cluster computes it: CRC16 of the key, or of its hash tag (the
 * text between the first `{` and the next `}`, when not empty). Computed here, without asking a server.
 */
export function slotOfKey(key: RedisArg): number {
  if (typeof key === 'string') return slotOfString(key);
  return key instanceof Uint8Array ? slotOfBytes(key) : slotOfString(String(key));
}

/** The slot all of a command's keys live in, `NO_KEY`, or `CROSS_SLOT`. */
export function commandSlot(name: string, args: readonly RedisArg[]): number {
  const indexes = keyIndexes(name, args);
  if (indexes.length === 0) return NO_KEY;
  const slot = slotOfKey(args[indexes[0]!]!);
  for (let i = 1; i < indexes.length; i++) {
    if (slotOfKey(args[indexes[i]!]!) !== slot) return CROSS_SLOT;
  }
  return slot;
}

/** Every distinct slot of a command's keys, for error messages. */
export function distinctSlots(name: string, args: readonly RedisArg[]): number[] {
  return [...new Set(keyIndexes(name, args).map((index) => slotOfKey(args[index]!)))].sort((a, b) => a - b);
}
