// The key set every client uses: one key per hash slot (16384 keys), so traffic covers every slot and every node.
import calculateSlot from 'cluster-key-slot';

export const SLOT_COUNT = 16384;

/** One key per slot, in slot order: `keys[slot]` hashes to `slot`. Deterministic. */
export function keysForEverySlot(prefix = 'bench:'): string[] {
  const keys = new Array<string>(SLOT_COUNT);
  let found = 0;
  for (let n = 0; found < SLOT_COUNT; n++) {
    const key = `${prefix}${n}`;
    const slot = calculateSlot(key);
    if (keys[slot] === undefined) {
      keys[slot] = key;
      found++;
    }
  }
  return keys;
}

/** The 16-byte value written by every SET. */
export const VALUE = 'v123456789abcdef';
