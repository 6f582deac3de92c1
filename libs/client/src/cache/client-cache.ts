import type { Command, RedisArg } from '../command.js';
import { publishCacheLookup } from '../diagnostics-events.js';
import type { ResolvedCacheOptions } from './cache-options.js';
import { CacheStore } from './cache-store.js';
import { argsKeyOf, keyText } from './cacheable-commands.js';
import { InFlightReads, type PendingRead } from './in-flight-reads.js';
import { copyReply } from './reply-values.js';

/** Where a read that missed is sent: the connection's own path, without the cache. */
export interface CacheSource {
  /** Bulk strings as Buffers when a command does not say (the connection's `returnBuffers`). */
  readonly returnBuffers: boolean;
  /** The hash slot of a key (0 on a standalone server). */
  slotOf(key: RedisArg): number;
  /**
   * Sends a command whose keys all live in `slot`, uncached and untransformed, and reports its reply with the node
   * whose connection read it (so that the connection's tracking covers the entry).
   */
  fetch(command: Command<unknown>, slot: number, receiver: FetchReceiver): void;
}

/** Receives the outcome of one `CacheSource#fetch`. */
export interface FetchReceiver {
  received(reply: unknown, node: string): void;
  failed(error: Error): void;
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

interface Waiter {
  resolve(value: unknown): void;
  reject(error: Error): void;
  transform: ((reply: unknown) => unknown) | undefined;
}

/**
 * Client-side caching over RESP3 tracking: serves cacheable reads from memory and keeps them correct. An entry is
 * dropped when the server invalidates its key, when the connection that read it is lost, replaced or reset, and
 * when its slot changes owner; a reply that raced with any of these is handed to its callers but never cached.
 * The connection calls `read` first for every command and the `on...` methods when the cluster changes.
 */
export class ClientCache implements ConnectionCache {
  private readonly store: CacheStore;
  private readonly inFlight = new InFlightReads<SharedRead>();

  constructor(
    options: ResolvedCacheOptions,
    private readonly source: CacheSource,
  ) {
    this.store = new CacheStore(options);
  }

  /** The reply from memory or a shared request; undefined when the command is not cacheable (send it as usual). */
  read<T>(command: Command<T>): Promise<T> | undefined {
    const buffers = command.returnBuffers ?? this.source.returnBuffers;
    if (command.name === 'MGET') return this.mget(command, buffers) as Promise<T> | undefined;
    const name = command.name;
    const argsKey = argsKeyOf(name, command.args);
    if (argsKey === undefined) return undefined;
    const entry = this.store.lookup(buffers, name, argsKey);
    if (entry !== undefined) {
      this.store.counters.hits++;
      publishCacheLookup(true, name);
      return settled(entry.reply, command.transform);
    }
    this.store.counters.misses++;
    publishCacheLookup(false, name);
    const sharedIn = this.inFlight.sharedTable(buffers, name);
    let shared = sharedIn.get(argsKey);
    if (shared === undefined) {
      const keyArg = command.args[0]!;
      const key = command.args.length === 1 ? argsKey : keyText(keyArg)!;
      shared = new SharedRead(this, key, this.source.slotOf(keyArg), sharedIn, buffers, name, argsKey);
      this.inFlight.begin(shared);
      // Joined before the fetch: a fetch that fails at once (a full queue, bad arguments) rejects this caller.
      const promise = shared.join(command.transform);
      this.source.fetch({ name, args: command.args, returnBuffers: buffers }, shared.slot, shared);
      return promise;
    }
    return shared.join(command.transform);
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
      this.inFlight.invalidateKey(text);
    }
  }

  /** The node's connection was lost or replaced (its tracking went with it): its entries can no longer be vouched for. */
  onNodeLost(node: string): void {
    this.store.dropNode(node);
    // A read on its way may yet be answered by this node's next connection, or by the old one before it closed.
    this.inFlight.invalidateAll();
  }

  /** The slot changed owner (MOVED, a refresh, a failover, resharding): nothing invalidates its entries any more. */
  onSlotMoved(slot: number): void {
    this.store.dropSlot(slot);
    this.inFlight.invalidateSlot(slot);
  }

  /** Slots that hold entries now, to compare against a new topology. */
  cachedSlots(): IterableIterator<number> {
    return this.store.slots();
  }

  clear(): void {
    this.store.clear(false);
    this.inFlight.invalidateAll();
  }

  stats(): CacheStats {
    return { ...this.store.counters, entries: this.store.size, bytes: this.store.bytes };
  }

  /** @internal A shared read's reply is in: cache it unless it turned stale. */
  completed(read: SharedRead, reply: unknown, node: string): void {
    if (this.inFlight.end(read) && !(reply instanceof Error)) {
      this.store.store(read.buffers, read.name, read.argsKey, read.key, reply, node, read.slot);
    }
  }

  /** @internal A shared read failed: nothing to cache. */
  abandoned(read: PendingRead): void {
    this.inFlight.end(read);
  }

  /**
   * MGET per key: hits from memory, misses fetched with one MGET per slot and cached as GET. Not through the cache
   * (undefined): MGET without keys, which the server refuses, and a key starting with NUL, whose GET entry has the
   * long form (see `argsKeyOf`).
   */
  private mget(command: Command<unknown>, buffers: boolean): Promise<unknown> | undefined {
    const args = command.args;
    if (args.length === 0) return undefined;
    const keys: string[] = new Array(args.length);
    for (let i = 0; i < args.length; i++) {
      const key = keyText(args[i]!);
      if (key === undefined || key.charCodeAt(0) === 0) return undefined;
      keys[i] = key;
    }
    const values: unknown[] = new Array(args.length);
    const missing = new Map<number, number[]>();
    for (let i = 0; i < keys.length; i++) {
      const entry = this.store.lookup(buffers, 'GET', keys[i]!);
      if (entry !== undefined) {
        this.store.counters.hits++;
        publishCacheLookup(true, 'MGET');
        values[i] = copyReply(entry.reply);
        continue;
      }
      this.store.counters.misses++;
      publishCacheLookup(false, 'MGET');
      const slot = this.source.slotOf(args[i]!);
      const indexes = missing.get(slot);
      if (indexes === undefined) missing.set(slot, [i]);
      else indexes.push(i);
    }
    if (missing.size === 0) return settled(values, command.transform);
    const parts = [...missing].map(
      ([slot, indexes]) =>
        new Promise<void>((resolve, reject) => {
          const part = new MgetPart(this, slot, indexes, keys, buffers, values, resolve, reject);
          this.source.fetch(
            { name: 'MGET', args: indexes.map((i) => args[i]!), returnBuffers: buffers },
            slot,
            part,
          );
        }),
    );
    const all = Promise.all(parts).then(() => values);
    return command.transform === undefined ? all : all.then(command.transform);
  }

  /** @internal Registers / settles the per-key reads of an MGET part. */
  get reads(): InFlightReads<SharedRead> {
    return this.inFlight;
  }

  /** @internal */
  storeGet(read: PendingRead, buffers: boolean, value: unknown, node: string): void {
    this.store.store(buffers, 'GET', read.key, read.key, value, node, read.slot);
  }
}

/**
 * One request shared by every concurrent miss on one entry. Its first caller is held in fields (most misses have
 * one): a miss allocates this object and its caller's promise, no array or record per caller until a second joins.
 */
class SharedRead implements PendingRead, FetchReceiver {
  stale = false;
  private resolveFirst: ((value: unknown) => void) | undefined;
  private rejectFirst: ((error: Error) => void) | undefined;
  private transformFirst: ((reply: unknown) => unknown) | undefined;
  private others: Waiter[] | undefined;

  constructor(
    private readonly cache: ClientCache,
    readonly key: string,
    readonly slot: number,
    /** Concurrent misses on this entry find the read here. */
    readonly sharedIn: Map<string, PendingRead>,
    readonly buffers: boolean,
    readonly name: string,
    readonly argsKey: string,
  ) {}

  join(transform: ((reply: unknown) => unknown) | undefined): Promise<never> {
    return new Promise<unknown>((resolve, reject) => {
      if (this.resolveFirst === undefined) {
        this.resolveFirst = resolve;
        this.rejectFirst = reject;
        this.transformFirst = transform;
      } else {
        this.others ??= [];
        this.others.push({ resolve, reject, transform });
      }
    }) as Promise<never>;
  }

  received(reply: unknown, node: string): void {
    this.cache.completed(this, reply, node);
    deliver(this.resolveFirst!, this.rejectFirst!, this.transformFirst, reply);
    if (this.others !== undefined) {
      for (const waiter of this.others) deliver(waiter.resolve, waiter.reject, waiter.transform, reply);
    }
  }

  failed(error: Error): void {
    this.cache.abandoned(this);
    this.rejectFirst!(error);
    if (this.others !== undefined) for (const waiter of this.others) waiter.reject(error);
  }
}

/** The misses of one MGET that live in one slot, fetched with one MGET; each non-null value is cached as GET. */
class MgetPart implements FetchReceiver {
  private readonly reads: PendingRead[];

  constructor(
    private readonly cache: ClientCache,
    slot: number,
    private readonly indexes: number[],
    keys: string[],
    private readonly buffers: boolean,
    private readonly values: unknown[],
    private readonly resolve: () => void,
    private readonly reject: (error: Error) => void,
  ) {
    this.reads = indexes.map((i) => ({
      key: keys[i]!,
      slot,
      sharedIn: undefined,
      argsKey: keys[i]!,
      stale: false,
    }));
    for (const read of this.reads) cache.reads.begin(read);
  }

  received(reply: unknown, node: string): void {
    const replies = reply as unknown[];
    for (let n = 0; n < this.indexes.length; n++) {
      const value = replies[n];
      const read = this.reads[n]!;
      // A null is a missing key or one of another type (GET would fail on it): not cached as GET.
      if (this.cache.reads.end(read) && value !== null && value !== undefined) {
        this.cache.storeGet(read, this.buffers, value, node);
      }
      this.values[this.indexes[n]!] = copyReply(value ?? null);
    }
    this.resolve();
  }

  failed(error: Error): void {
    for (const read of this.reads) this.cache.reads.end(read);
    this.reject(error);
  }
}

function deliver(
  resolve: (value: unknown) => void,
  reject: (error: Error) => void,
  transform: ((reply: unknown) => unknown) | undefined,
  reply: unknown,
): void {
  if (reply instanceof Error) {
    reject(reply);
    return;
  }
  try {
    const value = copyReply(reply);
    resolve(transform === undefined ? value : transform(value));
  } catch (error) {
    reject(error as Error);
  }
}

function settled<T>(reply: unknown, transform: ((reply: unknown) => T) | undefined): Promise<T> {
  try {
    const value = copyReply(reply);
    return Promise.resolve(transform === undefined ? (value as T) : transform(value));
  } catch (error) {
    return Promise.reject(error);
  }
}
