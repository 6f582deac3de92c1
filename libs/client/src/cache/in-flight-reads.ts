/** A read sent to the server whose reply the cache may keep, unless it turns stale while on its way. */
export interface PendingRead {
  /** The Redis key it reads (its text). */
  readonly key: string;
  readonly slot: number;
  /** Set for a read that concurrent misses on the same entry may share. */
  readonly entryKey: string | undefined;
  /** Set when an invalidation reached this client while the read was on its way: its reply is not cached. */
  stale: boolean;
}

/**
 * The reads on their way, by Redis key, so that an invalidation that arrives before a read's reply marks it stale
 * (the reply may hold the value from before the write), and by entry key, so that concurrent misses on one entry
 * share one request. A stale read leaves the sharing map at once: a later miss sends a new request rather than
 * wait for a reply that may be older than the invalidation this client has already seen.
 */
export class InFlightReads<Shared extends PendingRead> {
  private readonly byKey = new Map<string, Set<PendingRead>>();
  private readonly shared = new Map<string, Shared>();

  /** The shared read for `entryKey`, if one is on its way and still fresh. */
  sharedRead(entryKey: string): Shared | undefined {
    return this.shared.get(entryKey);
  }

  /** Registers a read; one with an `entryKey` is shared by later misses on that entry. */
  begin(read: PendingRead): void {
    let reads = this.byKey.get(read.key);
    if (reads === undefined) {
      reads = new Set();
      this.byKey.set(read.key, reads);
    }
    reads.add(read);
    if (read.entryKey !== undefined) this.shared.set(read.entryKey, read as Shared);
  }

  /** Unregisters a read once its reply (or failure) is in; true when the reply may be cached. */
  end(read: PendingRead): boolean {
    if (read.stale) return false;
    this.forget(read);
    const reads = this.byKey.get(read.key);
    if (reads !== undefined) {
      reads.delete(read);
      if (reads.size === 0) this.byKey.delete(read.key);
    }
    return true;
  }

  /** The key was invalidated: every read of it on its way is stale. */
  invalidateKey(key: string): void {
    const reads = this.byKey.get(key);
    if (reads === undefined) return;
    this.byKey.delete(key);
    for (const read of reads) this.markStale(read);
  }

  /** A slot changed owner: every read of it on its way is stale. */
  invalidateSlot(slot: number): void {
    for (const [key, reads] of this.byKey) {
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
    for (const reads of this.byKey.values()) for (const read of reads) read.stale = true;
    this.byKey.clear();
    this.shared.clear();
  }

  private markStale(read: PendingRead): void {
    read.stale = true;
    this.forget(read);
  }

  private forget(read: PendingRead): void {
    if (read.entryKey !== undefined && this.shared.get(read.entryKey) === read)
      this.shared.delete(read.entryKey);
  }
}
