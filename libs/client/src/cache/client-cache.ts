import type { Command, RedisArg } from '../command.js';
import { publishCacheLookup } from '../diagnostics-events.js';
import { CacheEntry, type EntryOwner, type FetchReceiver, PENDING } from './cache-entry.js';
import type { ResolvedCacheOptions } from './cache-options.js';
import { CacheStore } from './cache-store.js';
import { argsKeyOf, keyText } from './cacheable-commands.js';
import { readMget } from './mget-through-cache.js';
import { settled } from './reply-values.js';

export type { FetchOrigin, FetchReceiver } from './cache-entry.js';

/** Where a read that missed is sent: the connection's own path, without the cache. */
export interface CacheSource {
  /** Bulk strings as Buffers when a command does not say (the connection's `returnBuffers`). */
  readonly returnBuffers: boolean;
  /** The hash slot of a key (0 on a standalone server). */
  slotOf(key: RedisArg): number;
  /**
   * Sends the caller's command (its keys all in `slot`) uncached, and settles `receiver` with its reply before the
   * command's transform, setting `receiver.origin` so that the reply names the node whose connection read it (and
   * whose tracking covers the entry).
   */
  fetch(command: Command<unknown>, slot: number, receiver: FetchReceiver): void;
}

/** What `conn.cache.stats()` reports. */
export interface CacheStats {
  /** Reads served from memory (MGET counts each key). */
  hits: number;
  /** Reads sent to the server (shared misses included). */
  misses: number;
  /** Entries dropped to stay within `maxEntries` / `maxBytes`, or older than `ttlMs`. */
  evictions: number;
  /** Entries dropped because the server said their key changed, or their node or slot could no longer vouch for them. */
  invalidations: number;
  /** Entries held now. */
  entries: number;
  /** Estimated bytes held now (keys, replies and bookkeeping). */
  bytes: number;
}

/** The cache of one connection, as its user sees it: `conn.cache`. */
export interface ConnectionCache {
  /** Drops every entry (reads on their way are not cached either). */
  clear(): void;
  stats(): CacheStats;
}

/**
 * Client-side caching over RESP3 tracking: serves cacheable reads from memory and keeps them correct. An entry is
 * dropped when the server invalidates its key, when the connection that read it is lost, replaced or reset, and
 * when its slot changes owner; a reply that raced with any of these is handed to its callers but never cached.
 * The connection calls `read` first for every command and the `on...` methods when the cluster changes.
 */
export class ClientCache implements ConnectionCache, EntryOwner {
  /** @internal */
  readonly store: CacheStore;

  constructor(
    options: ResolvedCacheOptions,
    /** @internal */
    readonly source: CacheSource,
  ) {
    this.store = new CacheStore(options);
  }

  /** The reply from memory or a shared request; undefined when the command is not cacheable (send it as usual). */
  read<T>(command: Command<T>): Promise<T> | undefined {
    const buffers = command.returnBuffers ?? this.source.returnBuffers;
    const name = command.name;
    if (name === 'MGET') return readMget(this, command, buffers) as Promise<T> | undefined;
    const argsKey = argsKeyOf(name, command.args);
    if (argsKey === undefined) return undefined;
    const table = this.store.table(buffers, name);
    let entry = this.store.lookup(table, argsKey);
    if (entry !== undefined && entry.state !== PENDING) {
      this.store.counters.hits++;
      publishCacheLookup(true, name);
      return settled(entry.reply, command.transform);
    }
    this.store.counters.misses++;
    publishCacheLookup(false, name);
    if (entry !== undefined) return entry.join(command.transform);
    const keyArg = command.args[0]!;
    // A one-argument argsKey is the key itself, unless the key starts with NUL (then it has the long form).
    const key = command.args.length === 1 && argsKey.charCodeAt(0) !== 0 ? argsKey : keyText(keyArg)!;
    entry = new CacheEntry(this, table, argsKey, key, this.source.slotOf(keyArg));
    this.store.begin(entry);
    // Joined before the fetch: a fetch that fails at once (a full queue, bad arguments) rejects this caller.
    const promise = entry.join(command.transform);
    this.source.fetch(command as Command<unknown>, entry.slot, entry);
    return promise;
  }

  /** A RESP3 push from `node`: an `invalidate` drops its keys' entries (or, with null, all the node served). */
  onPush(push: unknown[], node: string): void {
    if (push.length < 2 || String(push[0]) !== 'invalidate') return;
    const keys = push[1];
    if (keys === null || !Array.isArray(keys)) {
      // FLUSHALL/FLUSHDB, or tracking state the server dropped: everything read through this node.
      this.onNodeLost(node);
      return;
    }
    for (const key of keys) {
      const text = Buffer.isBuffer(key) ? key.toString('utf8') : String(key);
      this.store.dropKey(text);
      // A key string with a lone surrogate was sent as U+FFFD, and is named so here: found by how it was sent.
      if (text.includes('\uFFFD')) this.store.dropKeysSentAs(text);
    }
  }

  /** The node's connection was lost or replaced (its tracking went with it): its entries can no longer be vouched for. */
  onNodeLost(node: string): void {
    this.store.dropNode(node);
    // A read on its way may yet be answered by this node's next connection, or by the old one before it closed.
    this.store.detachPending();
  }

  /** The slot changed owner (MOVED, a refresh, a failover, resharding): nothing invalidates its entries any more. */
  onSlotMoved(slot: number): void {
    this.store.dropSlot(slot);
  }

  /** Slots that hold entries now, to compare against a new topology. */
  cachedSlots(): IterableIterator<number> {
    return this.store.slots();
  }

  clear(): void {
    this.store.clear(false);
  }

  stats(): CacheStats {
    return { ...this.store.counters, entries: this.store.size, bytes: this.store.bytes };
  }

  /** @internal A read's reply is in: cache it unless it turned stale. */
  completed(entry: CacheEntry, reply: unknown, node: string): void {
    this.store.complete(entry, reply, node);
  }

  /** @internal A read failed: nothing to cache. */
  abandoned(entry: CacheEntry): void {
    this.store.detach(entry);
  }
}
