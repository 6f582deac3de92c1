import { EventEmitter } from 'node:events';
import { Readable } from 'node:stream';
import type { ClusterConnection, Command } from '@keyslot/client';
import { ConnectionClosedError, type IRedisClient } from 'bullmq';
import { forBullmq, rethrowForBullmq, rethrowForBullmqScript } from './bullmq-errors.js';
import { BullmqTransaction } from './bullmq-transaction.js';
import { clientListOfPrimaries, infoOfOnePrimary, scanTaggedPattern } from './cluster-admin.js';
import * as commands from './ioredis-commands.js';
import { type ScriptBook, scriptBookOf } from './script-book.js';
import { type ReadSlice, readInSlices } from './sliced-blocking-read.js';

/** Options of a client BullMQ duplicates (it names its blocking connections). */
export interface KeyslotBullmqClientOptions {
  /** The name BullMQ gives this client. Kept for reference only: see `clientSetName`. */
  connectionName?: string | undefined;
}

/**
 * BullMQ's client interface (`IRedisClient`, BullMQ 6) on a keyslot `ClusterConnection`. Pass one as the
 * `connection` of a `Queue`, `Worker`, `QueueEvents` or `FlowProducer`: BullMQ recognises it as a client of its own
 * kind and uses it without ioredis. Every command goes over the shared connection, except the blocking ones
 * (BZPOPMIN of a worker waiting for jobs, XREAD BLOCK of QueueEvents), which keyslot runs on its dedicated
 * connections. `duplicate()`, which BullMQ calls for each worker and listener, makes another view of the same
 * connection: no socket is opened, and closing a view never closes the connection, which stays its owner's.
 *
 * Make it with `bullmqConnection(connection)`.
 */
export class KeyslotBullmqClient extends EventEmitter implements IRedisClient {
  /** It is a cluster client: BullMQ then reads no standalone-only options from it. */
  readonly isCluster = true;
  private ended = false;
  private readonly blocked = new Set<(error: Error) => void>();
  private readonly book: ScriptBook;
  private readonly clientOptions: KeyslotBullmqClientOptions;

  constructor(
    /** The keyslot connection every command goes through. */
    readonly connection: ClusterConnection,
    options: KeyslotBullmqClientOptions = {},
  ) {
    super();
    this.book = scriptBookOf(connection);
    this.clientOptions = { ...options };
  }

  /**
   * `'ready'` while the view is open and the connection too; `'end'` after `disconnect()`, `quit()`, or once the
   * connection was closed by its owner. BullMQ sets it to `'end'` when it closes a client it owns.
   */
  get status(): string {
    return this.ended || !this.connection.isOpen ? 'end' : 'ready';
  }
  /** `'end'` ends the view (as BullMQ does when it closes a client it owns); anything else opens it again. */
  set status(value: string) {
    if (value === 'end') this.end();
    else this.ended = false;
  }

  /** What BullMQ reads from a client's options: no `keyPrefix` (BullMQ refuses one), the name it gave. */
  get options(): Record<string, unknown> {
    return this.clientOptions as Record<string, unknown>;
  }
  set options(_value: Record<string, unknown>) {
    // BullMQ never needs to replace them; nothing to apply.
  }

  /** Opens the view again after `disconnect()`; rejects when the connection itself was closed. */
  async connect(): Promise<void> {
    if (!this.connection.isOpen) throw new ConnectionClosedError();
    this.ended = false;
    queueMicrotask(() => this.emit('ready'));
  }

  /**
   * Ends the view at once: its waiting blocking reads reject with BullMQ's `ConnectionClosedError` (on the server,
   * each ends with its current slice, within a second). Emits `close` and `end`, or `close` and, with `reconnect`,
   * `ready` again. The connection stays open.
   */
  disconnect(reconnect = false): void {
    this.end();
    this.emit('close');
    // Reopening fails only when the connection itself was closed: the view then stays ended.
    if (reconnect) this.connect().catch(() => {});
    else this.emit('end');
  }

  /** Like `disconnect()`, resolving with `'OK'`; `close` and `end` follow in the next turn. */
  async quit(): Promise<string> {
    this.end();
    setImmediate(() => {
      this.emit('close');
      this.emit('end');
    });
    return 'OK';
  }

  /** Another view of the same connection (BullMQ makes one per worker and per blocking reader). */
  duplicate(options?: KeyslotBullmqClientOptions): KeyslotBullmqClient {
    return new KeyslotBullmqClient(this.connection, {
      connectionName: options?.connectionName ?? this.clientOptions.connectionName,
    });
  }

  defineCommand(name: string, definition: { numberOfKeys: number; lua: string; readOnly?: boolean }): void {
    this.book.define(name, definition.numberOfKeys, definition.lua);
  }

  /** Runs a script registered with `defineCommand` (one of BullMQ's Lua commands), its keys first in `args`. */
  runCommand(name: string, args: unknown[]): Promise<unknown> {
    try {
      return this.book.run(name, args).catch(rethrowForBullmqScript);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  multi(): BullmqTransaction {
    return new BullmqTransaction(this.connection, this.book, true);
  }

  pipeline(): BullmqTransaction {
    return new BullmqTransaction(this.connection, this.book, false);
  }

  hgetall(key: string): Promise<Record<string, string>> {
    return this.send(commands.hgetall(key));
  }
  hget(key: string, field: string): Promise<string | null> {
    return this.send(commands.hget(key, field));
  }
  hmget(key: string, ...fields: string[]): Promise<(string | null)[]> {
    return this.send(commands.hmget(key, fields));
  }
  hset(key: string, data: Record<string, string | number>): Promise<number> {
    return this.send(commands.hset(key, data));
  }
  hdel(key: string, ...fields: string[]): Promise<number> {
    return this.send(commands.hdel(key, fields));
  }
  hexists(key: string, field: string): Promise<number> {
    return this.send(commands.hexists(key, field));
  }
  get(key: string): Promise<string | null> {
    return this.send(commands.get(key));
  }
  set(key: string, value: string | number, options?: { PX?: number; EX?: number }): Promise<string | null> {
    return this.send(commands.set(key, value, options));
  }
  del(...keys: string[]): Promise<number> {
    return keys.length === 0 ? Promise.resolve(0) : this.send(commands.del(keys));
  }
  zrange(key: string, start: number, end: number, options?: { WITHSCORES?: boolean }): Promise<string[]> {
    return this.send(commands.zrange(key, start, end, options?.WITHSCORES === true));
  }
  zrevrange(key: string, start: number, end: number, options?: { WITHSCORES?: boolean }): Promise<string[]> {
    return this.send(commands.zrange(key, start, end, options?.WITHSCORES === true, true));
  }
  zcard(key: string): Promise<number> {
    return this.send(commands.zcard(key));
  }
  zscore(key: string, member: string): Promise<string | null> {
    return this.send(commands.zscore(key, member));
  }
  lrange(key: string, start: number, end: number): Promise<string[]> {
    return this.send(commands.lrange(key, start, end));
  }
  llen(key: string): Promise<number> {
    return this.send(commands.llen(key));
  }
  ltrim(key: string, start: number, end: number): Promise<string> {
    return this.send(commands.ltrim(key, start, end));
  }
  lpos(key: string, value: string): Promise<number | null> {
    return this.send(commands.lpos(key, value));
  }
  smembers(key: string): Promise<string[]> {
    return this.send(commands.smembers(key));
  }
  xadd(
    key: string,
    id: string,
    fields: Record<string, string | number>,
    options?: { MAXLEN?: number; approximate?: boolean },
  ): Promise<string> {
    return this.send(commands.xadd(key, id, fields, options));
  }

  /**
   * XREAD; with BLOCK, a blocking read in slices on a dedicated connection (`$` is first pinned to the stream's
   * newest ID, so that no entry falls between two slices), which this view abandons if it ends first.
   */
  xread(
    streams: { key: string; id: string }[],
    options?: { BLOCK?: number; COUNT?: number },
  ): Promise<[string, [string, string[]][]][] | null> {
    if (options?.BLOCK == null) return this.send(commands.xread(streams, options));
    let from: Promise<{ key: string; id: string }[]> | undefined;
    return this.blockingRead(options.BLOCK, async (blockMs) => {
      from ??= Promise.all(streams.map((stream) => this.pinNewest(stream)));
      return this.connection.sendCommand(commands.xread(await from, { ...options, BLOCK: blockMs }));
    });
  }

  xtrim(
    key: string,
    _strategy: 'MAXLEN',
    threshold: number,
    options?: { approximate?: boolean },
  ): Promise<number> {
    return this.send(commands.xtrim(key, threshold, options?.approximate !== false));
  }

  /**
   * BZPOPMIN, a blocking read in slices on a dedicated connection: `[key, member, score]`, or null when the
   * timeout (seconds) passed. If this view ends while it waits, it rejects at once; should the slice still running
   * then pop a marker, the marker is put back (ZADD LT), so that no worker misses the wake-up it was for.
   */
  bzpopmin(key: string, timeout: number): Promise<[key: string, member: string, score: string] | null> {
    const readSlice = (blockMs: number) =>
      this.connection.sendCommand(commands.bzpopmin(key, blockMs / 1000));
    return this.blockingRead(timeout * 1000, readSlice, ([poppedKey, member, score]) => {
      this.connection.sendCommand({ name: 'ZADD', args: [poppedKey, 'LT', score, member] }).catch(() => {}); // best effort: a lost marker only delays a worker until its next block timeout
    });
  }

  info(): Promise<string> {
    return infoOfOnePrimary(this.connection).catch(rethrowForBullmq);
  }

  /**
   * Resolves without naming anything: keyslot's connections are shared by every caller (and its dedicated ones
   * are pooled), so a name would describe no single worker. BullMQ's `getWorkers()` therefore finds none.
   */
  async clientSetName(name: string): Promise<'OK'> {
    this.clientOptions.connectionName = name;
    return 'OK';
  }

  /** CLIENT LIST of every primary. */
  clientList(): Promise<string> {
    return clientListOfPrimaries(this.connection).catch(rethrowForBullmq);
  }

  clientInfo(): Promise<string> {
    return this.send({ name: 'CLIENT', args: ['INFO'], transform: String });
  }

  /** SCAN on the node that owns the pattern's hash tag (BullMQ scans only its own, tagged, keys). */
  scan(cursor: string | number, options: { MATCH?: string; COUNT?: number }): Promise<[string, string[]]> {
    return scanTaggedPattern(this.connection, cursor, options?.MATCH ?? '', options?.COUNT).catch(
      rethrowForBullmq,
    );
  }

  /** Every key of the cluster that matches, in arrays of up to `count` keys (keyslot's cluster-wide SCAN). */
  scanStream(options: { match: string; count?: number }): Readable {
    const connection = this.connection;
    const size = options.count ?? 100;
    return Readable.from(
      (async function* () {
        let keys: string[] = [];
        for await (const key of connection.scanIterator({ match: options.match, count: size })) {
          keys.push(key);
          if (keys.length >= size) {
            yield keys;
            keys = [];
          }
        }
        if (keys.length > 0) yield keys;
      })(),
    );
  }

  private send<T>(command: Command<T>): Promise<T> {
    return this.connection.sendCommand(command).catch(rethrowForBullmq);
  }

  /**
   * A blocking read of up to `totalMs` (0: without end), in slices (see `readInSlices`), that this view abandons
   * (rejects at once) if it ends first. A reply that still arrives for an abandoned read goes to `onAbandonedReply`.
   */
  private blockingRead<T>(
    totalMs: number,
    readSlice: ReadSlice<T>,
    onAbandonedReply?: (reply: T) => void,
  ): Promise<T | null> {
    if (this.ended) return Promise.reject(new ConnectionClosedError());
    return new Promise<T | null>((resolve, reject) => {
      let abandoned = false;
      const abandon = (error: Error) => {
        abandoned = true;
        reject(error);
      };
      this.blocked.add(abandon);
      readInSlices(totalMs, readSlice, () => !abandoned).then(
        (reply) => {
          this.blocked.delete(abandon);
          if (!abandoned) resolve(reply);
          else if (reply !== null) onAbandonedReply?.(reply);
        },
        (error) => {
          this.blocked.delete(abandon);
          if (!abandoned) reject(forBullmq(error));
        },
      );
    });
  }

  /** A stream read from `$` (what is added from now on), as from the stream's newest entry ID. */
  private async pinNewest(stream: { key: string; id: string }): Promise<{ key: string; id: string }> {
    if (stream.id !== '$') return stream;
    const newest = await this.connection.sendCommand<[string, unknown][]>({
      name: 'XREVRANGE',
      args: [stream.key, '+', '-', 'COUNT', 1],
    });
    return { key: stream.key, id: newest[0]?.[0] ?? '0-0' };
  }

  private end(): void {
    this.ended = true;
    const waiting = [...this.blocked];
    this.blocked.clear();
    for (const abandon of waiting) abandon(new ConnectionClosedError());
  }
}

/**
 * A BullMQ connection on a keyslot `ClusterConnection`: give it as the `connection` option of `Queue`, `Worker`,
 * `QueueEvents` and `FlowProducer` (with a hash-tagged `prefix` such as `'{bull}'`). The connection stays its
 * owner's to close, after BullMQ's objects are closed.
 *
 * ```ts
 * const redis = await new ClusterClient(seeds).getConnection();
 * const connection = bullmqConnection(redis);
 * const queue = new Queue('emails', { connection, prefix: '{bull}' });
 * const worker = new Worker('emails', async (job) => send(job.data), { connection, prefix: '{bull}' });
 * ```
 */
export function bullmqConnection(connection: ClusterConnection): KeyslotBullmqClient {
  return new KeyslotBullmqClient(connection);
}
