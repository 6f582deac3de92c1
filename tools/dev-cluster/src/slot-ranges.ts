/** Number of hash slots in a Redis Cluster. */
export const SLOT_COUNT = 16_384;

/** An inclusive range of hash slots, `[start, end]`. */
export type SlotRange = readonly [start: number, end: number];

/** Splits the 16384 slots into `primaries` contiguous ranges of (nearly) equal size. */
export function spreadSlots(primaries: number): SlotRange[] {
  const ranges: SlotRange[] = [];
  for (let i = 0; i < primaries; i++) {
    ranges.push([
      Math.floor((i * SLOT_COUNT) / primaries),
      Math.floor(((i + 1) * SLOT_COUNT) / primaries) - 1,
    ]);
  }
  return ranges;
}

/** True when `slot` lies in one of the ranges. */
export function rangesContain(ranges: readonly SlotRange[], slot: number): boolean {
  return ranges.some(([start, end]) => slot >= start && slot <= end);
}

/** Merges slots into sorted, non-overlapping ranges. */
export function slotsToRanges(slots: Iterable<number>): SlotRange[] {
  const sorted = [...new Set(slots)].sort((a, b) => a - b);
  const ranges: [number, number][] = [];
  for (const slot of sorted) {
    const last = ranges.at(-1);
    if (last && slot === last[1] + 1) last[1] = slot;
    else ranges.push([slot, slot]);
  }
  return ranges;
}

/** `0-5460,5461-10922` style text, for logs and comparisons. */
export function formatRanges(ranges: readonly SlotRange[]): string {
  return ranges.map(([start, end]) => (start === end ? `${start}` : `${start}-${end}`)).join(',');
}

/** Sorts ranges and merges the ones that touch, so equal slot sets compare equal. */
export function mergeRanges(ranges: readonly SlotRange[]): SlotRange[] {
  const merged: [number, number][] = [];
  for (const [start, end] of [...ranges].sort((a, b) => a[0] - b[0])) {
    const last = merged.at(-1);
    if (last && start <= last[1] + 1) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

/** The slots of `ranges` that none of `taken` covers. */
export function subtractRanges(ranges: readonly SlotRange[], taken: readonly SlotRange[]): SlotRange[] {
  const covered = new Uint8Array(SLOT_COUNT);
  for (const [start, end] of taken) covered.fill(1, start, end + 1);
  const left: number[] = [];
  for (const [start, end] of ranges)
    for (let slot = start; slot <= end; slot++) if (!covered[slot]) left.push(slot);
  return slotsToRanges(left);
}
