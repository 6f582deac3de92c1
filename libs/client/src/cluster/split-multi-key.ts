import type { RedisArg } from '../command.js';
import { slotOfKey } from './key-slots.js';

/** Multi-key commands that keyslot splits per slot and merges, as Redis Cluster clients are expected to. */
export type SplitKind = 'mget' | 'mset' | 'sum';

const SPLITTABLE: Record<string, SplitKind> = {
  MGET: 'mget',
  MSET: 'mset',
  DEL: 'sum',
  UNLINK: 'sum',
  EXISTS: 'sum',
  TOUCH: 'sum',
};

export function splitKind(name: string): SplitKind | undefined {
  return SPLITTABLE[name];
}

/** One per-slot part of a split command: its arguments and where its keys sat in the original. */
export interface SplitPart {
  slot: number;
  args: RedisArg[];
  /** Index of each key of this part in the original key list. */
  positions: number[];
}

/** Groups a split command's arguments by slot, keeping key order within each group. */
export function splitBySlot(kind: SplitKind, args: readonly RedisArg[]): SplitPart[] {
  const step = kind === 'mset' ? 2 : 1;
  const parts = new Map<number, SplitPart>();
  for (let i = 0, position = 0; i < args.length; i += step, position++) {
    const slot = slotOfKey(args[i]!);
    let part = parts.get(slot);
    if (!part) {
      part = { slot, args: [], positions: [] };
      parts.set(slot, part);
    }
    part.args.push(args[i]!);
    if (step === 2) part.args.push(args[i + 1]!);
    part.positions.push(position);
  }
  return [...parts.values()];
}

/** Merges the replies of the parts back into what the unsplit command would have replied. */
export function mergeSplit(
  kind: SplitKind,
  parts: readonly SplitPart[],
  replies: readonly unknown[],
  keyCount: number,
): unknown {
  if (kind === 'mset') return 'OK';
  if (kind === 'sum') return replies.reduce<number>((total, reply) => total + Number(reply), 0);
  const out: unknown[] = new Array(keyCount);
  parts.forEach((part, index) => {
    const values = replies[index] as unknown[];
    part.positions.forEach((position, i) => {
      out[position] = values[i];
    });
  });
  return out;
}
