import type { CacheEntry } from './cache-entry.js';

/** Hash slots of a cluster (a standalone server's entries are all in slot 0). */
const SLOTS = 16_384;

/**
 * The orders and groups of the cache's entries, as doubly linked lists through links on the entries themselves:
 * - the LRU order of the cached entries (`prev`/`next`, least recently used first), and the reads on their way
 *   (the same links: an entry is in one of the two at a time);
 * - per node, the cached entries its connection read (`nodePrev`/`nodeNext`);
 * - per hash slot, its entries, cached or on their way (`slotPrev`/`slotNext`);
 * - per key, the entries not found through their table by that key (`keyPrev`/`keyNext`): those of commands with
 *   more arguments than the key, and an MGET's reads.
 * Adding and removing change a few pointers: no Set, array or record is created per entry.
 */
export class EntryLists {
  private readonly ready = new EntryChain();
  private readonly pending = new EntryChain();
  private readonly byNode = new Map<string, CacheEntry>();
  private readonly bySlot: (CacheEntry | null)[] = new Array<CacheEntry | null>(SLOTS).fill(null);
  private readonly byKey = new Map<string, CacheEntry>();

  oldest(): CacheEntry | undefined {
    return this.ready.first ?? undefined;
  }

  oldestPending(): CacheEntry | undefined {
    return this.pending.first ?? undefined;
  }

  nodeHead(node: string): CacheEntry | undefined {
    return this.byNode.get(node);
  }

  slotHead(slot: number): CacheEntry | undefined {
    return this.bySlot[slot] ?? undefined;
  }

  keyHead(key: string): CacheEntry | undefined {
    return this.byKey.get(key);
  }

  /** Every entry, cached or on its way. */
  *entries(): IterableIterator<CacheEntry> {
    for (let entry = this.ready.first; entry !== null; entry = entry.next) yield entry;
    for (let entry = this.pending.first; entry !== null; entry = entry.next) yield entry;
  }

  *slots(): IterableIterator<number> {
    for (let slot = 0; slot < SLOTS; slot++) if (this.bySlot[slot] !== null) yield slot;
  }

  /** A cached entry: the most recent end of the LRU order, and its node's list. */
  addReady(entry: CacheEntry): void {
    this.ready.append(entry);
    const head = this.byNode.get(entry.node);
    entry.nodePrev = null;
    entry.nodeNext = head ?? null;
    if (head !== undefined) head.nodePrev = entry;
    this.byNode.set(entry.node, entry);
  }

  removeReady(entry: CacheEntry): void {
    this.ready.remove(entry);
    const { nodePrev, nodeNext } = entry;
    if (nodePrev !== null) nodePrev.nodeNext = nodeNext;
    else if (nodeNext === null) this.byNode.delete(entry.node);
    else this.byNode.set(entry.node, nodeNext);
    if (nodeNext !== null) nodeNext.nodePrev = nodePrev;
    entry.nodePrev = entry.nodeNext = null;
  }

  /** Moves a cached entry to the most recent end of the LRU order. */
  touch(entry: CacheEntry): void {
    if (entry === this.ready.last) return;
    this.ready.remove(entry);
    this.ready.append(entry);
  }

  addPending(entry: CacheEntry): void {
    this.pending.append(entry);
  }

  removePending(entry: CacheEntry): void {
    this.pending.remove(entry);
  }

  addToSlot(entry: CacheEntry): void {
    const head = this.bySlot[entry.slot]!;
    entry.slotPrev = null;
    entry.slotNext = head;
    if (head !== null) head.slotPrev = entry;
    this.bySlot[entry.slot] = entry;
  }

  removeFromSlot(entry: CacheEntry): void {
    const { slotPrev, slotNext } = entry;
    if (slotPrev === null) this.bySlot[entry.slot] = slotNext;
    else slotPrev.slotNext = slotNext;
    if (slotNext !== null) slotNext.slotPrev = slotPrev;
    entry.slotPrev = entry.slotNext = null;
  }

  addToKey(entry: CacheEntry): void {
    const head = this.byKey.get(entry.key);
    entry.keyPrev = null;
    entry.keyNext = head ?? null;
    if (head !== undefined) head.keyPrev = entry;
    this.byKey.set(entry.key, entry);
    entry.keyListed = true;
  }

  removeFromKey(entry: CacheEntry): void {
    const { keyPrev, keyNext } = entry;
    if (keyPrev !== null) keyPrev.keyNext = keyNext;
    else if (keyNext === null) this.byKey.delete(entry.key);
    else this.byKey.set(entry.key, keyNext);
    if (keyNext !== null) keyNext.keyPrev = keyPrev;
    entry.keyPrev = entry.keyNext = null;
    entry.keyListed = false;
  }
}

/** One order of entries through their `prev`/`next` links, oldest first. */
class EntryChain {
  first: CacheEntry | null = null;
  last: CacheEntry | null = null;

  append(entry: CacheEntry): void {
    entry.prev = this.last;
    entry.next = null;
    if (this.last === null) this.first = entry;
    else this.last.next = entry;
    this.last = entry;
  }

  remove(entry: CacheEntry): void {
    const { prev, next } = entry;
    if (prev === null) this.first = next;
    else prev.next = next;
    if (next === null) this.last = prev;
    else next.prev = prev;
    entry.prev = entry.next = null;
  }
}
