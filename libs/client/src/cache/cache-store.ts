import type { ResolvedCacheOptions } from './cache-options.js';
import { ENTRY_OVERHEAD_BYTES, replyBytes } from './reply-values.js';

/** One cached reply, as decoded (before the command's transform), with where it came from. */
export interface CacheEntry {
  readonly entryKey: string;
  /** The Redis key the reply depends on (its text; see `keyText`). */
  readonly key: string;
  readonly reply: unknown;
  readonly bytes: number;
  /** When it was stored (`Date.now()`), for `ttlMs`. */
  readonly storedAt: number;
  /** The node whose connection read it: that connection's tracking will invalidate it. */
  readonly node: string;
  readonly slot: number;
}

/** Counters of `conn.cache.stats()`. */
export interface CacheCounters {
  hits: number;
  misses: number;
  /** Entries dropped to stay within `maxEntries` / `maxBytes`, or found older than `ttlMs`. */
  evictions: number;
  /** Entries dropped because their key, node or slot was invalidated (server message, lost connection, moved slot). */
  invalidations: number;
}

/**
 * The entries, least recently used first (a Map keeps insertion order; a hit moves its entry to the end), with the
 * indexes that drop a key's, a node's or a slot's entries in time proportional to what is dropped.
 */
export class CacheStore {
  private readonly entries = new Map<string, CacheEntry>();
  private readonly byKey = new Map<string, Set<CacheEntry>>();
  private readonly byNode = new Map<string, Set<CacheEntry>>();
  private readonly bySlot = new Map<number, Set<CacheEntry>>();
  private heldBytes = 0;
  readonly counters: CacheCounters = { hits: 0, misses: 0, evictions: 0, invalidations: 0 };

  constructor(private readonly options: ResolvedCacheOptions) {}

  get size(): number {
    return this.entries.size;
  }

  get bytes(): number {
    return this.heldBytes;
  }

  /** The entry for `entryKey`, made most recently used; undefined (and dropped) when older than `ttlMs`. */
  lookup(entryKey: string): CacheEntry | undefined {
    const entry = this.entries.get(entryKey);
    if (entry === undefined) return undefined;
    const ttlMs = this.options.ttlMs;
    if (ttlMs > 0 && Date.now() - entry.storedAt >= ttlMs) {
      this.remove(entry);
      this.counters.evictions++;
      return undefined;
    }
    this.entries.delete(entryKey);
    this.entries.set(entryKey, entry);
    return entry;
  }

  /** Stores a reply, evicting the least recently used entries beyond `maxEntries` / `maxBytes`. */
  store(entryKey: string, key: string, reply: unknown, node: string, slot: number): void {
    const bytes = ENTRY_OVERHEAD_BYTES + entryKey.length * 2 + replyBytes(reply);
    if (bytes > this.options.maxBytes) return; // would evict everything and still not fit
    const old = this.entries.get(entryKey);
    if (old !== undefined) this.remove(old);
    const entry: CacheEntry = { entryKey, key, reply, bytes, storedAt: Date.now(), node, slot };
    this.entries.set(entryKey, entry);
    this.heldBytes += bytes;
    addTo(this.byKey, key, entry);
    addTo(this.byNode, node, entry);
    addTo(this.bySlot, slot, entry);
    while (this.entries.size > this.options.maxEntries || this.heldBytes > this.options.maxBytes) {
      const oldest = this.entries.values().next().value as CacheEntry;
      this.remove(oldest);
      this.counters.evictions++;
    }
  }

  /** Drops every entry of one key (all commands and views). */
  dropKey(key: string): void {
    this.dropAll(this.byKey.get(key));
  }

  /** Drops every entry read through one node's connection. */
  dropNode(node: string): void {
    this.dropAll(this.byNode.get(node));
  }

  /** Drops every entry of one hash slot. */
  dropSlot(slot: number): void {
    this.dropAll(this.bySlot.get(slot));
  }

  /** Slots that hold entries now. */
  slots(): IterableIterator<number> {
    return this.bySlot.keys();
  }

  /** Drops everything. */
  clear(countAsInvalidated: boolean): void {
    if (countAsInvalidated) this.counters.invalidations += this.entries.size;
    this.entries.clear();
    this.byKey.clear();
    this.byNode.clear();
    this.bySlot.clear();
    this.heldBytes = 0;
  }

  private dropAll(entries: Set<CacheEntry> | undefined): void {
    if (entries === undefined) return;
    for (const entry of [...entries]) {
      this.remove(entry);
      this.counters.invalidations++;
    }
  }

  private remove(entry: CacheEntry): void {
    if (this.entries.get(entry.entryKey) !== entry) return;
    this.entries.delete(entry.entryKey);
    this.heldBytes -= entry.bytes;
    removeFrom(this.byKey, entry.key, entry);
    removeFrom(this.byNode, entry.node, entry);
    removeFrom(this.bySlot, entry.slot, entry);
  }
}

function addTo<K>(index: Map<K, Set<CacheEntry>>, key: K, entry: CacheEntry): void {
  let set = index.get(key);
  if (set === undefined) {
    set = new Set();
    index.set(key, set);
  }
  set.add(entry);
}

function removeFrom<K>(index: Map<K, Set<CacheEntry>>, key: K, entry: CacheEntry): void {
  const set = index.get(key);
  if (set === undefined) return;
  set.delete(entry);
  if (set.size === 0) index.delete(key);
}
