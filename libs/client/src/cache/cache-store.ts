import { type CacheEntry, GONE, PENDING, READY } from './cache-entry.js';
import type { ResolvedCacheOptions } from './cache-options.js';
import { EntryLists } from './entry-lists.js';
import { ENTRY_OVERHEAD_BYTES, replyBytes } from './reply-values.js';

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
 * The entries, cached and on their way, in one table per command and view (so that a GET's lookup key is the
 * caller's own key string), with the LRU order and the key, node and slot lists linked through the entries (see
 * `EntryLists`), which drop a key's, a node's or a slot's entries in time proportional to what is dropped.
 *
 * A read on its way is an entry of its table in the `PENDING` state: a concurrent miss on it joins it, and an
 * invalidation of its key, slot or node (or a clear) detaches it, so that its reply is handed to its callers but
 * not cached, and a later miss sends a new request rather than wait for a reply older than what this client knows.
 *
 * The LRU order is exact for what matters and cheap on a hit: an entry used again is moved to the most recent end
 * only when it has fallen into the older half of the order (as many moves ago as half the entries held, or more:
 * by count held, since `maxBytes` may hold far fewer than `maxEntries`), so the hot entries of a steady workload
 * cost one map lookup per hit, and an entry is never evicted while it is in the newer half.
 */
export class CacheStore {
  private readonly tables: [Map<string, Map<string, CacheEntry>>, Map<string, Map<string, CacheEntry>>] = [
    new Map(),
    new Map(),
  ];
  private readonly lists = new EntryLists();
  private heldBytes = 0;
  private held = 0;
  /** Moves to the most recent end so far (stores included). */
  private uses = 0;
  readonly counters: CacheCounters = { hits: 0, misses: 0, evictions: 0, invalidations: 0 };

  constructor(private readonly options: ResolvedCacheOptions) {}

  get size(): number {
    return this.held;
  }

  get bytes(): number {
    return this.heldBytes;
  }

  /** The table of `name` in one view (created once per command and view). */
  table(buffers: boolean, name: string): Map<string, CacheEntry> {
    const tables = this.tables[buffers ? 1 : 0];
    let table = tables.get(name);
    if (table === undefined) {
      table = new Map();
      tables.set(name, table);
    }
    return table;
  }

  /**
   * The entry of `argsKey` in `table`, cached or on its way; undefined (and dropped) when older than `ttlMs`. A
   * cached entry found here counts as used.
   */
  lookup(table: Map<string, CacheEntry>, argsKey: string): CacheEntry | undefined {
    const entry = table.get(argsKey);
    if (entry === undefined || entry.state !== READY) return entry;
    const ttlMs = this.options.ttlMs;
    if (ttlMs > 0 && Date.now() - entry.storedAt >= ttlMs) {
      this.remove(entry);
      this.counters.evictions++;
      return undefined;
    }
    if (this.uses - entry.used >= this.held >>> 1) {
      this.lists.touch(entry);
      entry.used = ++this.uses;
    }
    return entry;
  }

  /** A read on its way: in its table (when it has one), its slot's list and, found by key, its key's list. */
  begin(entry: CacheEntry): void {
    if (entry.table !== undefined) entry.table.set(entry.argsKey, entry);
    this.lists.addPending(entry);
    this.lists.addToSlot(entry);
    if (entry.table === undefined || entry.argsKey !== entry.key) this.lists.addToKey(entry);
  }

  /**
   * A read's reply is in: cached unless its entry was detached meanwhile, evicting the least recently used entries
   * beyond `maxEntries` / `maxBytes`. An entry without a table (an MGET's key) is cached as its table's (GET's)
   * entry, unless a read of that entry is on its way (whose reply will be cached instead).
   */
  complete(entry: CacheEntry, reply: unknown, node: string, table = entry.table): boolean {
    if (entry.state !== PENDING) return false;
    const bytes = ENTRY_OVERHEAD_BYTES + entry.argsKey.length * 2 + replyBytes(reply);
    // Bigger than maxBytes: would evict everything and still not fit.
    if (table === undefined || bytes > this.options.maxBytes || !this.place(entry, table)) {
      this.detach(entry);
      return false;
    }
    this.lists.removePending(entry);
    entry.state = READY;
    entry.reply = reply;
    entry.bytes = bytes;
    entry.node = node;
    entry.storedAt = this.options.ttlMs > 0 ? Date.now() : 0;
    entry.used = ++this.uses;
    this.lists.addReady(entry);
    this.held++;
    this.heldBytes += bytes;
    while (this.held > this.options.maxEntries || this.heldBytes > this.options.maxBytes) {
      this.remove(this.lists.oldest()!);
      this.counters.evictions++;
    }
    return true;
  }

  /**
   * An MGET's read goes into its GET table, in place of a cached entry but not of a read on its way (whose reply
   * will be cached instead). A read begun in its table is there already.
   */
  private place(entry: CacheEntry, table: Map<string, CacheEntry>): boolean {
    if (entry.table === table) return true;
    const old = table.get(entry.argsKey);
    if (old !== undefined) {
      if (old.state === PENDING) return false;
      this.remove(old);
    }
    table.set(entry.argsKey, entry);
    entry.table = table;
    // Found through its table now, as every one-argument entry.
    if (entry.keyListed && entry.argsKey === entry.key) this.lists.removeFromKey(entry);
    return true;
  }

  /** A read on its way leaves every table and list: its reply will not be cached. */
  detach(entry: CacheEntry): void {
    if (entry.state !== PENDING) return;
    entry.state = GONE;
    if (entry.table !== undefined && entry.table.get(entry.argsKey) === entry)
      entry.table.delete(entry.argsKey);
    this.lists.removePending(entry);
    this.lists.removeFromSlot(entry);
    if (entry.keyListed) this.lists.removeFromKey(entry);
  }

  /** Drops every entry of one key (all commands and views), and detaches its reads on their way. */
  dropKey(key: string): void {
    for (const tables of this.tables) {
      for (const table of tables.values()) {
        const entry = table.get(key);
        if (entry !== undefined && entry.argsKey === entry.key) this.drop(entry);
      }
    }
    for (let entry = this.lists.keyHead(key); entry !== undefined; ) {
      const next = entry.keyNext ?? undefined;
      this.drop(entry);
      entry = next;
    }
  }

  /**
   * Drops every entry whose key is sent to the server as `text` but is not `text` (a string with a lone surrogate,
   * sent as U+FFFD). Walks every entry: only for an invalidation that names a key with U+FFFD.
   */
  dropKeysSentAs(text: string): void {
    const found: CacheEntry[] = [];
    for (const entry of this.lists.entries()) {
      if (
        entry.key !== text &&
        entry.key.length === text.length &&
        Buffer.from(entry.key).toString() === text
      )
        found.push(entry);
    }
    for (const entry of found) this.drop(entry);
  }

  /** Drops every entry read through one node's connection. */
  dropNode(node: string): void {
    for (let entry = this.lists.nodeHead(node); entry !== undefined; ) {
      const next = entry.nodeNext ?? undefined;
      this.drop(entry);
      entry = next;
    }
  }

  /** Drops every entry of one hash slot, and detaches its reads on their way. */
  dropSlot(slot: number): void {
    for (let entry = this.lists.slotHead(slot); entry !== undefined; ) {
      const next = entry.slotNext ?? undefined;
      this.drop(entry);
      entry = next;
    }
  }

  /** Detaches every read on its way (a node lost: any of them may be answered by a connection that lost track). */
  detachPending(): void {
    for (let entry = this.lists.oldestPending(); entry !== undefined; entry = this.lists.oldestPending()) {
      this.detach(entry);
    }
  }

  /** Slots that hold entries (or reads on their way) now. */
  slots(): IterableIterator<number> {
    return this.lists.slots();
  }

  /** Drops everything, reads on their way detached. */
  clear(countAsInvalidated: boolean): void {
    this.detachPending();
    if (countAsInvalidated) this.counters.invalidations += this.held;
    for (let entry = this.lists.oldest(); entry !== undefined; entry = this.lists.oldest())
      this.remove(entry);
  }

  private drop(entry: CacheEntry): void {
    if (entry.state === PENDING) {
      this.detach(entry);
      return;
    }
    this.remove(entry);
    this.counters.invalidations++;
  }

  private remove(entry: CacheEntry): void {
    if (entry.state !== READY) return;
    entry.state = GONE;
    const table = entry.table!;
    if (table.get(entry.argsKey) === entry) table.delete(entry.argsKey);
    this.held--;
    this.heldBytes -= entry.bytes;
    entry.reply = undefined;
    this.lists.removeReady(entry);
    this.lists.removeFromSlot(entry);
    if (entry.keyListed) this.lists.removeFromKey(entry);
  }
}
