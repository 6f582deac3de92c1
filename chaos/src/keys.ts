// Keys placed on purpose: each caller's key in a chosen hash slot, so a scenario knows which callers a fault hits.
import calculateSlot from 'cluster-key-slot';

export const SLOT_COUNT = 16384;

let tags: string[] | undefined;

/** A hash tag (`{...}`) for every slot: `tagForSlot(s)` is a short tag whose slot is `s`. */
export function tagForSlot(slot: number): string {
  if (tags === undefined) {
    const found: string[] = new Array(SLOT_COUNT);
    let missing = SLOT_COUNT;
    for (let n = 0; missing > 0; n++) {
      const tag = n.toString(36);
      const s = calculateSlot(tag);
      if (found[s] === undefined) {
        found[s] = tag;
        missing--;
      }
    }
    tags = found;
  }
  return `{${tags[slot]!}}`;
}

/** The hash slot of a key. */
export function slotOf(key: string): number {
  return calculateSlot(key);
}

/** `count` slots spread evenly over the whole slot space. */
export function spreadSlots(count: number): number[] {
  return Array.from({ length: count }, (_, i) => Math.floor(((i + 0.5) * SLOT_COUNT) / count));
}

/** One key per caller, caller `i` in `slots[i % slots.length]`: `{tag}:<prefix>:<i>`. */
export function callerKeys(prefix: string, slots: readonly number[], count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${tagForSlot(slots[i % slots.length]!)}:${prefix}:${i}`);
}

/** `perSlot` keys in each of `slots`, to give a slot move real data to carry. */
export function fillerKeys(prefix: string, slots: readonly number[], perSlot: number): string[] {
  return slots.flatMap((slot) =>
    Array.from({ length: perSlot }, (_, j) => `${tagForSlot(slot)}:${prefix}:${j}`),
  );
}

/** `count` consecutive slots starting at the middle of the first range a node serves. */
export function slotsOfRange(ranges: readonly (readonly [number, number])[], count: number): number[] {
  const [start, end] = ranges[0]!;
  const first = start + Math.floor((end - start + 1 - count) / 2);
  if (first < start) throw new Error(`the range ${start}-${end} has fewer than ${count} slots`);
  return Array.from({ length: count }, (_, i) => first + i);
}
