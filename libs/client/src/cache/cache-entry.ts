import type { RequestSettler } from '../connection/settling-request.js';
import { copyReply } from './reply-values.js';

/** A read on its way: concurrent misses on the entry join it; an invalidation detaches it (its reply is not kept). */
export const PENDING = 0;
/** A cached reply, in the LRU order and the node and slot lists. */
export const READY = 1;
/** Out of every table and list: dropped, evicted, or a read whose reply may not be cached. */
export const GONE = 2;
export type EntryState = typeof PENDING | typeof READY | typeof GONE;

/** Where a miss's reply came from: the node whose connection answered (after redirects), read once it is in. */
export interface FetchOrigin {
  readonly lastAddress: string;
}

/**
 * Receives the outcome of one `CacheSource#fetch` as a request's settler (no promise or closure of its own). The
 * source sets `origin` when it starts the request, so that the reply can name the node whose tracking covers it.
 */
export interface FetchReceiver extends RequestSettler<unknown> {
  origin: FetchOrigin | undefined;
}

/** What an entry reports to when its read completes. */
export interface EntryOwner {
  /** Caches the reply unless the entry was detached meanwhile. */
  completed(entry: CacheEntry, reply: unknown, node: string): void;
  /** The read failed: the entry leaves the tables, nothing is cached. */
  abandoned(entry: CacheEntry): void;
}

/**
 * One entry of the cache: a read on its way (`PENDING`), then its reply (`READY`), in the one table of its command
 * and view, keyed by its argsKey. Its places in the LRU order (or, while pending, the list of reads on their way),
 * in its node's, its slot's and (for an entry whose argsKey is not its key) its key's list are links on the entry
 * itself: storing, evicting and dropping move pointers and allocate nothing.
 *
 * A pending entry is also the request's settler, and holds its first caller in fields (most misses have one
 * caller): a miss allocates this entry and its caller's promise, nothing else.
 */
export class CacheEntry implements FetchReceiver {
  state: EntryState = PENDING;
  reply: unknown = undefined;
  bytes = 0;
  /** When it was stored (`Date.now()`), for `ttlMs`. */
  storedAt = 0;
  /** The node whose connection read it: that connection's tracking will invalidate it. */
  node = '';
  /** Its place in the LRU order: the store's `uses` count when it was last moved to the most recent end. */
  used = 0;
  /** True while it is in its key's list (`CacheStore#byKey`): found by its key other than through its table. */
  keyListed = false;
  origin: FetchOrigin | undefined = undefined;
  /** LRU order when ready, the reads on their way when pending. */
  prev: CacheEntry | null = null;
  next: CacheEntry | null = null;
  nodePrev: CacheEntry | null = null;
  nodeNext: CacheEntry | null = null;
  slotPrev: CacheEntry | null = null;
  slotNext: CacheEntry | null = null;
  keyPrev: CacheEntry | null = null;
  keyNext: CacheEntry | null = null;
  private resolveFirst: ((value: unknown) => void) | undefined = undefined;
  private rejectFirst: ((error: Error) => void) | undefined = undefined;
  private transformFirst: ((reply: unknown) => unknown) | undefined = undefined;
  private others: Waiter[] | undefined = undefined;

  constructor(
    private readonly owner: EntryOwner,
    /**
     * Its command's table in its view; undefined for a read no other miss may join (an MGET's key), until its reply
     * is cached as GET's.
     */
    public table: Map<string, CacheEntry> | undefined,
    readonly argsKey: string,
    /** The Redis key the reply depends on (its text; see `keyText`). */
    readonly key: string,
    readonly slot: number,
  ) {}

  /** A caller of the read on its way: settled with the reply, through the caller's own transform. */
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

  /**
   * The read's reply: cached when it may be, then handed to every caller. Never an error: the request hands an error
   * reply to `reject`, as any failure.
   */
  resolve(reply: unknown): void {
    this.owner.completed(this, reply, this.origin?.lastAddress ?? '');
    this.origin = undefined;
    const resolve = this.resolveFirst;
    if (resolve === undefined) return;
    deliver(resolve, this.rejectFirst!, this.transformFirst, reply);
    const others = this.others;
    this.resolveFirst = this.rejectFirst = this.transformFirst = this.others = undefined;
    if (others !== undefined) for (const w of others) deliver(w.resolve, w.reject, w.transform, reply);
  }

  /** The read failed: every caller gets the error. */
  reject(error: Error): void {
    this.owner.abandoned(this);
    this.origin = undefined;
    const reject = this.rejectFirst;
    const others = this.others;
    this.resolveFirst = this.rejectFirst = this.transformFirst = this.others = undefined;
    reject?.(error);
    if (others !== undefined) for (const waiter of others) waiter.reject(error);
  }
}

interface Waiter {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  transform: ((reply: unknown) => unknown) | undefined;
}

function deliver(
  resolve: (value: unknown) => void,
  reject: (error: Error) => void,
  transform: ((reply: unknown) => unknown) | undefined,
  reply: unknown,
): void {
  try {
    const value = copyReply(reply);
    resolve(transform === undefined ? value : transform(value));
  } catch (error) {
    reject(error as Error);
  }
}
