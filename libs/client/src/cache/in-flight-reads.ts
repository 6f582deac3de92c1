/** A read sent to the server whose reply the cache may keep, unless it turns stale while on its way. */
export interface PendingRead {
  /** The Redis key it reads (its text). */
  readonly key: string;
  readonly slot: number;
  /** Set for a read that concurrent misses on the same entry may share: its view's table of shared reads. */
  readonly sharedIn: Map<string, PendingRead> | undefined;
  /** Its key in `sharedIn` (the entry's argsKey). */
  readonly argsKey: string;
  /** Set when an invalidation reached this client while the read was on its way: its reply is not cached. */
  stale: boolean;
}

/** The reads of one key: a single read until a second arrives (most keys have one read on its way at a time). */
type KeyReads = PendingRead | Set<PendingRead>;

/**
 * The reads on their way, by Redis key, so that an invalidation that arrives before a read's reply marks it stale
 * (the reply may hold the value from before the write), and by entry (view, command, argsKey), so that concurrent
 * misses on one entry share one request. A stale read leaves the sharing tables at once: a later miss sends a new
 * request rather than wait for a reply that may be older than the invalidation this client has already seen.
 * A miss allocates nothing here: a key's reads are the read itself until a second one arrives, and the sharing
 * tables are keyed by the caller's own argsKey (no string built per miss).
 */
export class InFlightReads<Shared extends PendingRead> {
  /**
   * Reads not found through a sharing table by their key: a shared read whose argsKey is its key (GET and the other
   * one-argument reads, most misses) is only in its table, and an invalidation looks there too (one table per
   * command and view, a handful).
   */
  private readonly byKey = new Map<string, KeyReads>();
  /** Per view (strings, Buffers), per command: argsKey to the shared read. */
  private readonly shared: [Map<string, Map<string, Shared>>, Map<string, Map<string, Shared>>] = [
    new Map(),
    new Map(),
  ];

  /** The table of shared reads of `name` in one view (created once per command and view). */
  sharedTable(buffers: boolean, name: string): Map<string, Shared> {
    const tables = this.shared[buffers ? 1 : 0];
    let table = tables.get(name);
    if (table === undefined) {
      table = new Map();
      tables.set(name, table);
    }
    return table;
  }

  /** Registers a read; one with `sharedIn` is shared by later misses on that entry. */
  begin(read: PendingRead): void {
    if (read.sharedIn !== undefined) {
      read.sharedIn.set(read.argsKey, read);
      if (read.argsKey === read.key) return;
    }
    const reads = this.byKey.get(read.key);
    if (reads === undefined) this.byKey.set(read.key, read);
    else if (reads instanceof Set) reads.add(read);
    else this.byKey.set(read.key, new Set([reads, read]));
  }

  /** Unregisters a read once its reply (or failure) is in; true when the reply may be cached. */
  end(read: PendingRead): boolean {
    if (read.stale) return false;
    this.forget(read);
    if (read.sharedIn !== undefined && read.argsKey === read.key) return true;
    const reads = this.byKey.get(read.key);
    if (reads === read) this.byKey.delete(read.key);
    else if (reads instanceof Set) {
      reads.delete(read);
      if (reads.size === 0) this.byKey.delete(read.key);
    }
    return true;
  }

  /** The key was invalidated: every read of it on its way is stale. */
  invalidateKey(key: string): void {
    for (const tables of this.shared) {
      for (const table of tables.values()) {
        const read = table.get(key);
        if (read !== undefined && read.argsKey === read.key) this.markStale(read);
      }
    }
    const reads = this.byKey.get(key);
    if (reads === undefined) return;
    this.byKey.delete(key);
    if (reads instanceof Set) for (const read of reads) this.markStale(read);
    else this.markStale(reads);
  }

  /** A slot changed owner: every read of it on its way is stale. */
  invalidateSlot(slot: number): void {
    for (const tables of this.shared) {
      for (const table of tables.values()) {
        for (const read of table.values()) if (read.slot === slot) this.markStale(read);
      }
    }
    for (const [key, reads] of this.byKey) {
      if (!(reads instanceof Set)) {
        if (reads.slot !== slot) continue;
        this.markStale(reads);
        this.byKey.delete(key);
        continue;
      }
      for (const read of reads) {
        if (read.slot !== slot) continue;
        this.markStale(read);
        reads.delete(read);
      }
      if (reads.size === 0) this.byKey.delete(key);
    }
  }

  /** A node's connection was lost or its tracking reset, or the cache was cleared: every read on its way is stale. */
  invalidateAll(): void {
    for (const reads of this.byKey.values()) {
      if (reads instanceof Set) for (const read of reads) read.stale = true;
      else reads.stale = true;
    }
    this.byKey.clear();
    for (const tables of this.shared) {
      for (const table of tables.values()) {
        for (const read of table.values()) read.stale = true;
        table.clear();
      }
    }
  }

  private markStale(read: PendingRead): void {
    read.stale = true;
    this.forget(read);
  }

  private forget(read: PendingRead): void {
    const table = read.sharedIn;
    if (table !== undefined && table.get(read.argsKey) === read) table.delete(read.argsKey);
  }
}
