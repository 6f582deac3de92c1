import type { ResolvedCacheOptions } from './cache-options.js';
import { ENTRY_OVERHEAD_BYTES, replyBytes } from './reply-values.js';

/** One cached reply, as decoded (before the command's transform), with where it came from. */
export interface CacheEntry {
  /** The entry's table: its command in its view (see `CacheStore#lookup`). */
  readonly table: Map<string, CacheEntry>;
  readonly argsKey: string;
  /** The Redis key the reply depends on (its text; see `keyText`). */
  readonly key: string;
  readonly reply: unknown;
  readonly bytes: number;
  /** When it was stored (`Date.now()`), for `ttlMs`. */
  readonly storedAt: number;
  /** The node whose connection read it: that connection's tracking will invalidate it. */
  readonly node: string;
  readonly slot: number;
  /** Its place in the LRU order: the `uses` count when it was last moved to the most recent end. */
  used: number;
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
 * The entries, one table per command and view (so that a GET's lookup key is the caller's own key string), an LRU
 * order (a Set keeps insertion order; the least recently used is first), and the indexes that drop a key's, a
 * node's or a slot's entries in time proportional to what is dropped.
 *
 * The LRU order is exact for what matters and cheap on a hit: an entry used again is moved to the most recent end
 * only when it has fallen into the older half of the order (`maxEntries / 2` moves ago or more), so the hot entries
 * of a steady workload cost one map lookup per hit, and an entry is never evicted while it is in the newer half.
 */
export class CacheStore {
  private readonly tables: [Map<string, Map<string, CacheEntry>>, Map<string, Map<string, CacheEntry>>] = [
    new Map(),
    new Map(),
  ];
  private readonly order = new Set<CacheEntry>();
  /**
   * Entries whose argsKey is not their key (commands with more arguments than the key). An entry whose argsKey is
   * its key (GET and the other one-argument reads) is found through its table instead: a miss on one touches one
   * map fewer, and `dropKey` looks in each table (there is one per command and view, a handful).
   */
  private readonly byKey = new Map<string, IndexValue>();
  private readonly byNode = new Map<string, IndexValue>();
  private readonly bySlot = new Map<number, IndexValue>();
  private heldBytes = 0;
  /** Moves to the most recent end so far (stores included). */
  private uses = 0;
  private readonly recentHalf: number;
  readonly counters: CacheCounters = { hits: 0, misses: 0, evictions: 0, invalidations: 0 };

  constructor(private readonly options: ResolvedCacheOptions) {
    this.recentHalf = options.maxEntries / 2;
  }

  get size(): number {
    return this.order.size;
  }

  get bytes(): number {
    return this.heldBytes;
  }

  /** The entry of `name` in one view for `argsKey`; undefined (and dropped) when older than `ttlMs`. */
  lookup(buffers: boolean, name: string, argsKey: string): CacheEntry | undefined {
    const entry = this.tables[buffers ? 1 : 0].get(name)?.get(argsKey);
    if (entry === undefined) return undefined;
    const ttlMs = this.options.ttlMs;
    if (ttlMs > 0 && Date.now() - entry.storedAt >= ttlMs) {
      this.remove(entry);
      this.counters.evictions++;
      return undefined;
    }
    if (this.uses - entry.used >= this.recentHalf) {
      this.order.delete(entry);
      this.order.add(entry);
      entry.used = ++this.uses;
    }
    return entry;
  }

  /** Stores a reply, evicting the least recently used entries beyond `maxEntries` / `maxBytes`. */
  store(
    buffers: boolean,
    name: string,
    argsKey: string,
    key: string,
    reply: unknown,
    node: string,
    slot: number,
  ): void {
    const bytes = ENTRY_OVERHEAD_BYTES + argsKey.length * 2 + replyBytes(reply);
    if (bytes > this.options.maxBytes) return; // would evict everything and still not fit
    const tables = this.tables[buffers ? 1 : 0];
    let table = tables.get(name);
    if (table === undefined) {
      table = new Map();
      tables.set(name, table);
    }
    const old = table.get(argsKey);
    if (old !== undefined) this.remove(old);
    const entry: CacheEntry = {
      table,
      argsKey,
      key,
      reply,
      bytes,
      storedAt: this.options.ttlMs > 0 ? Date.now() : 0,
      node,
      slot,
      used: ++this.uses,
    };
    table.set(argsKey, entry);
    this.order.add(entry);
    this.heldBytes += bytes;
    if (argsKey !== key) addTo(this.byKey, key, entry);
    addTo(this.byNode, node, entry);
    addTo(this.bySlot, slot, entry);
    while (this.order.size > this.options.maxEntries || this.heldBytes > this.options.maxBytes) {
      this.remove(this.order.values().next().value as CacheEntry);
      this.counters.evictions++;
    }
  }

  /** Drops every entry of one key (all commands and views). */
  dropKey(key: string): void {
    for (const tables of this.tables) {
      for (const table of tables.values()) {
        const entry = table.get(key);
        if (entry !== undefined && entry.argsKey === entry.key) {
          this.remove(entry);
          this.counters.invalidations++;
        }
      }
    }
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
    if (countAsInvalidated) this.counters.invalidations += this.order.size;
    for (const tables of this.tables) tables.clear();
    this.order.clear();
    this.byKey.clear();
    this.byNode.clear();
    this.bySlot.clear();
    this.heldBytes = 0;
  }

  private dropAll(entries: IndexValue | undefined): void {
    if (entries === undefined) return;
    for (const entry of entries instanceof Set ? [...entries] : [entries]) {
      this.remove(entry);
      this.counters.invalidations++;
    }
  }

  private remove(entry: CacheEntry): void {
    if (!this.order.delete(entry)) return;
    if (entry.table.get(entry.argsKey) === entry) entry.table.delete(entry.argsKey);
    this.heldBytes -= entry.bytes;
    if (entry.argsKey !== entry.key) removeFrom(this.byKey, entry.key, entry);
    removeFrom(this.byNode, entry.node, entry);
    removeFrom(this.bySlot, entry.slot, entry);
  }
}

/**
 * What an index holds for one key, node or slot: the entry itself until a second arrives, then a Set (so that a
 * store and an eviction on a cache of distinct keys allocate no Set).
 */
type IndexValue = CacheEntry | Set<CacheEntry>;

function addTo<K>(index: Map<K, IndexValue>, key: K, entry: CacheEntry): void {
  const held = index.get(key);
  if (held === undefined) index.set(key, entry);
  else if (held instanceof Set) held.add(entry);
  else if (held !== entry) index.set(key, new Set([held, entry]));
}

function removeFrom<K>(index: Map<K, IndexValue>, key: K, entry: CacheEntry): void {
  const held = index.get(key);
  if (held === entry) index.delete(key);
  else if (held instanceof Set) {
    held.delete(entry);
    if (held.size === 0) index.delete(key);
  }
}
