import type { RedisArg, RedisKey } from '../command.js';
import { prepend2 } from './base.js';
import { toBoolean, toTexts } from './replies.js';
import {
  toAutoClaim,
  toAutoClaimIds,
  toBufferAutoClaim,
  toBufferEntries,
  toBufferMessages,
  toEntries,
  toInfoList,
  toMessages,
  toPendingEntries,
  toPendingSummary,
  toStreamInfo,
  type XAutoClaimResult,
  type XInfoRecord,
  type XInfoStream,
  type XPendingEntry,
  type XPendingSummary,
} from './stream-replies.js';
import {
  pushReadOptions,
  pushStreams,
  StreamCommands,
  type XReadOptions,
  type XReadStream,
} from './streams.js';
import type { PendingStreamEntry, StreamMessages, Variadic } from './types.js';

/** Options of XREADGROUP. */
export interface XReadGroupOptions extends XReadOptions {
  /** Do not add the entries to the pending list (NOACK). */
  noack?: boolean | undefined;
}

/** Options of XCLAIM. */
export interface XClaimOptions {
  /** Set the idle time in ms (IDLE). */
  idle?: number | undefined;
  /** Set the last delivery time, a Unix time in ms (TIME). */
  time?: number | undefined;
  /** Set the delivery count (RETRYCOUNT). */
  retryCount?: number | undefined;
  /** Create pending entries for IDs not yet pending (FORCE). */
  force?: boolean | undefined;
  /** Advance the group's last-delivered ID (LASTID). */
  lastId?: string | undefined;
}

/** Options of XPENDING with a range. */
export interface XPendingRangeOptions {
  /** Only entries idle for at least this many ms (IDLE). */
  idle?: number | undefined;
  /** Only this consumer's entries. */
  consumer?: RedisArg | undefined;
}

function xclaimArgs(
  key: RedisKey,
  group: RedisArg,
  consumer: RedisArg,
  minIdleMs: number,
  ids: string | readonly string[],
  options: XClaimOptions | undefined,
  justId: boolean,
): RedisArg[] {
  const args: RedisArg[] = [key, group, consumer, minIdleMs];
  if (typeof ids === 'string') args.push(ids);
  else for (const id of ids) args.push(id);
  if (options !== undefined) {
    if (options.idle !== undefined) args.push('IDLE', options.idle);
    if (options.time !== undefined) args.push('TIME', options.time);
    if (options.retryCount !== undefined) args.push('RETRYCOUNT', options.retryCount);
    if (options.force) args.push('FORCE');
  }
  if (justId) args.push('JUSTID');
  if (options?.lastId !== undefined) args.push('LASTID', options.lastId);
  return args;
}

function xautoclaimArgs(
  key: RedisKey,
  group: RedisArg,
  consumer: RedisArg,
  minIdleMs: number,
  start: string,
  count: number | undefined,
  justId: boolean,
): RedisArg[] {
  const args: RedisArg[] = [key, group, consumer, minIdleMs, start];
  if (count !== undefined) args.push('COUNT', count);
  if (justId) args.push('JUSTID');
  return args;
}
/** Stream consumer groups: reading as a group, acknowledging, pending entries, claiming, XINFO. */
export abstract class StreamGroupCommands<S extends string | Buffer = string> extends StreamCommands<S> {
  /**
   * XREADGROUP: entries for `consumer` of `group` (ID `'>'`: never delivered; another ID: its own pending
   * history, where deleted entries have `fields: null`); null when none arrived.
   */
  xreadgroup(
    group: RedisArg,
    consumer: RedisArg,
    streams: XReadStream | readonly XReadStream[],
    options?: XReadGroupOptions,
  ): Promise<StreamMessages<S, PendingStreamEntry<S>>[] | null> {
    const args: RedisArg[] = ['GROUP', group, consumer];
    pushReadOptions(args, options);
    pushStreams(args, streams);
    const buffers = this.returnBuffers;
    return this.sendCommand({
      name: 'XREADGROUP',
      args,
      returnBuffers: buffers,
      transform: (buffers ? toBufferMessages : toMessages) as (
        reply: unknown,
      ) => StreamMessages<S, PendingStreamEntry<S>>[] | null,
    });
  }

  /** XGROUP CREATE: creates a consumer group reading after `id` (default `'$'`: new entries only); `'OK'`. */
  xgroupCreate(
    key: RedisKey,
    group: RedisArg,
    id = '$',
    options?: { mkstream?: boolean; entriesRead?: number },
  ): Promise<'OK'> {
    const args: RedisArg[] = ['CREATE', key, group, id];
    if (options?.mkstream) args.push('MKSTREAM');
    if (options?.entriesRead !== undefined) args.push('ENTRIESREAD', options.entriesRead);
    return this.sendCommand({ name: 'XGROUP', args, returnBuffers: false });
  }

  /** XGROUP DESTROY: true when the group existed. */
  xgroupDestroy(key: RedisKey, group: RedisArg): Promise<boolean> {
    return this.sendCommand({
      name: 'XGROUP',
      args: ['DESTROY', key, group],
      returnBuffers: false,
      transform: toBoolean,
    });
  }

  /** XGROUP CREATECONSUMER: true when the consumer was created (it did not exist). */
  xgroupCreateConsumer(key: RedisKey, group: RedisArg, consumer: RedisArg): Promise<boolean> {
    return this.sendCommand({
      name: 'XGROUP',
      args: ['CREATECONSUMER', key, group, consumer],
      returnBuffers: false,
      transform: toBoolean,
    });
  }

  /** XGROUP DELCONSUMER: deletes a consumer; how many pending entries it had. */
  xgroupDelConsumer(key: RedisKey, group: RedisArg, consumer: RedisArg): Promise<number> {
    return this.sendCommand({
      name: 'XGROUP',
      args: ['DELCONSUMER', key, group, consumer],
      returnBuffers: false,
    });
  }

  /** XGROUP SETID: moves the group's last-delivered ID; `'OK'`. */
  xgroupSetId(key: RedisKey, group: RedisArg, id: string, options?: { entriesRead?: number }): Promise<'OK'> {
    const args: RedisArg[] = ['SETID', key, group, id];
    if (options?.entriesRead !== undefined) args.push('ENTRIESREAD', options.entriesRead);
    return this.sendCommand({ name: 'XGROUP', args, returnBuffers: false });
  }

  /** XACK: how many of the entries were acknowledged (removed from the pending list). */
  xack(key: RedisKey, group: RedisArg, ...ids: Variadic<string>): Promise<number> {
    return this.sendCommand({ name: 'XACK', args: prepend2(key, group, ids), returnBuffers: false });
  }

  /** XPENDING: the group's pending summary (`count`, `minId`, `maxId`, `consumers`). */
  xpending(key: RedisKey, group: RedisArg): Promise<XPendingSummary<S>> {
    return this.sendCommand({
      name: 'XPENDING',
      args: [key, group],
      returnBuffers: this.returnBuffers,
      transform: toPendingSummary as (reply: unknown) => XPendingSummary<S>,
    });
  }

  /** XPENDING with a range: up to `count` pending entries with IDs between `start` and `end`. */
  xpendingRange(
    key: RedisKey,
    group: RedisArg,
    start: string,
    end: string,
    count: number,
    options?: XPendingRangeOptions,
  ): Promise<XPendingEntry<S>[]> {
    const args: RedisArg[] = [key, group];
    if (options?.idle !== undefined) args.push('IDLE', options.idle);
    args.push(start, end, count);
    if (options?.consumer !== undefined) args.push(options.consumer);
    return this.sendCommand({
      name: 'XPENDING',
      args,
      returnBuffers: this.returnBuffers,
      transform: toPendingEntries as (reply: unknown) => XPendingEntry<S>[],
    });
  }

  /** XCLAIM: gives pending entries idle for at least `minIdleMs` to `consumer`; the claimed entries. */
  xclaim(
    key: RedisKey,
    group: RedisArg,
    consumer: RedisArg,
    minIdleMs: number,
    ids: string | readonly string[],
    options?: XClaimOptions,
  ): Promise<PendingStreamEntry<S>[]> {
    const buffers = this.returnBuffers;
    return this.sendCommand({
      name: 'XCLAIM',
      args: xclaimArgs(key, group, consumer, minIdleMs, ids, options, false),
      returnBuffers: buffers,
      transform: (buffers ? toBufferEntries : toEntries) as (reply: unknown) => PendingStreamEntry<S>[],
    });
  }

  /** XCLAIM ... JUSTID: like `xclaim`, the claimed IDs only (the delivery count is not incremented). */
  xclaimJustId(
    key: RedisKey,
    group: RedisArg,
    consumer: RedisArg,
    minIdleMs: number,
    ids: string | readonly string[],
    options?: XClaimOptions,
  ): Promise<string[]> {
    return this.sendCommand({
      name: 'XCLAIM',
      args: xclaimArgs(key, group, consumer, minIdleMs, ids, options, true),
      returnBuffers: false,
      transform: toTexts,
    });
  }

  /** XAUTOCLAIM: claims pending entries idle for at least `minIdleMs`, scanning from `start`. */
  xautoclaim(
    key: RedisKey,
    group: RedisArg,
    consumer: RedisArg,
    minIdleMs: number,
    start: string,
    options?: { count?: number },
  ): Promise<XAutoClaimResult<PendingStreamEntry<S>>> {
    const buffers = this.returnBuffers;
    return this.sendCommand({
      name: 'XAUTOCLAIM',
      args: xautoclaimArgs(key, group, consumer, minIdleMs, start, options?.count, false),
      returnBuffers: buffers,
      transform: (buffers ? toBufferAutoClaim : toAutoClaim) as (
        reply: unknown,
      ) => XAutoClaimResult<PendingStreamEntry<S>>,
    });
  }

  /** XAUTOCLAIM ... JUSTID: like `xautoclaim`, with the claimed IDs as `entries`. */
  xautoclaimJustId(
    key: RedisKey,
    group: RedisArg,
    consumer: RedisArg,
    minIdleMs: number,
    start: string,
    options?: { count?: number },
  ): Promise<XAutoClaimResult<string>> {
    return this.sendCommand({
      name: 'XAUTOCLAIM',
      args: xautoclaimArgs(key, group, consumer, minIdleMs, start, options?.count, true),
      returnBuffers: false,
      transform: toAutoClaimIds,
    });
  }

  /** XINFO STREAM: the stream's length, IDs, groups and first/last entries (decoded as text in both views). */
  xinfoStream(key: RedisKey): Promise<XInfoStream> {
    return this.sendCommand({
      name: 'XINFO',
      args: ['STREAM', key],
      returnBuffers: false,
      transform: toStreamInfo,
    });
  }

  /** XINFO GROUPS: one object per consumer group, with the server's field names (text in both views). */
  xinfoGroups(key: RedisKey): Promise<XInfoRecord[]> {
    return this.sendCommand({
      name: 'XINFO',
      args: ['GROUPS', key],
      returnBuffers: false,
      transform: toInfoList,
    });
  }

  /** XINFO CONSUMERS: one object per consumer of the group, with the server's field names (text in both views). */
  xinfoConsumers(key: RedisKey, group: RedisArg): Promise<XInfoRecord[]> {
    return this.sendCommand({
      name: 'XINFO',
      args: ['CONSUMERS', key, group],
      returnBuffers: false,
      transform: toInfoList,
    });
  }
}
