import type { RedisArg, RedisKey } from '../command.js';
import { keyScanArgs, keysThenTimeout, mpopArgs, prepend, pushNumKeys } from './base.js';
import { toDouble, toDoubleOrNull, toDoublesOrNull } from './replies.js';
import { SetCommands } from './sets.js';
import {
  type KeyScoredMember,
  type KeyScoredMembers,
  type SortedSetScanPage,
  toKeyScoredMember,
  toKeyScoredMembers,
  toScoredMember,
  toScoredMembers,
  toSortedSetScanPage,
} from './sorted-set-replies.js';
import type { ScanOptions, ScoredMember, Variadic } from './types.js';

/** A member to add, with its score (a number, or a string such as `'+inf'`). */
export interface ScoredInput {
  score: number | string;
  value: RedisArg;
}

/** Options of ZADD. Conflicting options are sent as given; the server rejects them. */
export interface ZAddOptions {
  /** Only add new members (NX). */
  nx?: boolean | undefined;
  /** Only update existing members (XX). */
  xx?: boolean | undefined;
  /** Only update when the new score is greater (GT). */
  gt?: boolean | undefined;
  /** Only update when the new score is less (LT). */
  lt?: boolean | undefined;
  /** Count changed members, not only added ones (CH). */
  ch?: boolean | undefined;
}

/** A score or lexical bound: a number, or a string such as `'(1'`, `'-inf'`, `'[a'`, `'-'`. */
export type RangeBound = number | string;

/** Options of ZRANGE and ZRANGESTORE. */
export interface ZRangeOptions {
  /** `start`/`stop` are scores (BYSCORE) or lexical bounds (BYLEX), not ranks. */
  by?: 'SCORE' | 'LEX' | undefined;
  /** Highest first (REV); with `by`, give `start` as the higher bound. */
  rev?: boolean | undefined;
  /** Skip `offset` and return at most `count` (LIMIT; needs `by`). */
  limit?: { offset: number; count: number } | undefined;
}

/** Options of ZUNIONSTORE and ZINTERSTORE. */
export interface ZStoreOptions {
  /** One multiplier per key (WEIGHTS). */
  weights?: readonly number[] | undefined;
  /** How scores of the same member combine (AGGREGATE); default SUM. */
  aggregate?: 'SUM' | 'MIN' | 'MAX' | undefined;
}

function zaddArgs(
  key: RedisKey,
  members: ScoredInput | readonly ScoredInput[],
  options: (ZAddOptions & { incr?: boolean }) | undefined,
): RedisArg[] {
  const args: RedisArg[] = [key];
  if (options !== undefined) {
    if (options.nx) args.push('NX');
    if (options.xx) args.push('XX');
    if (options.gt) args.push('GT');
    if (options.lt) args.push('LT');
    if (options.ch) args.push('CH');
    if (options.incr) args.push('INCR');
  }
  if (Array.isArray(members)) {
    for (const member of members as readonly ScoredInput[]) args.push(member.score, member.value);
  } else {
    const member = members as ScoredInput;
    args.push(member.score, member.value);
  }
  return args;
}

function zrangeArgs(
  first: RedisKey,
  second: RedisKey | undefined,
  start: RangeBound,
  stop: RangeBound,
  options: ZRangeOptions | undefined,
  withScores: boolean,
): RedisArg[] {
  const args: RedisArg[] = second === undefined ? [first, start, stop] : [first, second, start, stop];
  if (options !== undefined) {
    if (options.by === 'SCORE') args.push('BYSCORE');
    else if (options.by === 'LEX') args.push('BYLEX');
    if (options.rev) args.push('REV');
    if (options.limit !== undefined) args.push('LIMIT', options.limit.offset, options.limit.count);
  }
  if (withScores) args.push('WITHSCORES');
  return args;
}

function zstoreArgs(
  destination: RedisKey,
  keys: RedisKey | readonly RedisKey[],
  options?: ZStoreOptions,
): RedisArg[] {
  const args: RedisArg[] = [destination];
  pushNumKeys(args, keys);
  if (options?.weights !== undefined) {
    args.push('WEIGHTS');
    for (const weight of options.weights) args.push(weight);
  }
  if (options?.aggregate !== undefined) args.push('AGGREGATE', options.aggregate);
  return args;
}

/** Sorted-set commands. Scores come back as numbers in both protocols (`inf` as `Infinity`). */
export abstract class SortedSetCommands<S extends string | Buffer = string> extends SetCommands<S> {
  /** ZADD: how many members were added (with `ch`: changed). */
  zadd(key: RedisKey, members: ScoredInput | readonly ScoredInput[], options?: ZAddOptions): Promise<number>;
  /** ZADD INCR: the member's new score; null when NX/XX/GT/LT prevented it. */
  zadd(key: RedisKey, member: ScoredInput, options: ZAddOptions & { incr: true }): Promise<number | null>;
  zadd(
    key: RedisKey,
    members: ScoredInput | readonly ScoredInput[],
    options?: ZAddOptions & { incr?: boolean },
  ): Promise<number | null> {
    const args = zaddArgs(key, members, options);
    if (options?.incr) {
      return this.sendCommand({ name: 'ZADD', args, returnBuffers: false, transform: toDoubleOrNull });
    }
    return this.sendCommand({ name: 'ZADD', args, returnBuffers: false });
  }

  /** ZINCRBY: the member's new score. */
  zincrby(key: RedisKey, increment: number, member: RedisArg): Promise<number> {
    return this.sendCommand({
      name: 'ZINCRBY',
      args: [key, increment, member],
      returnBuffers: false,
      transform: toDouble,
    });
  }

  /** ZSCORE: the member's score, or null. */
  zscore(key: RedisKey, member: RedisArg): Promise<number | null> {
    return this.sendCommand({
      name: 'ZSCORE',
      args: [key, member],
      returnBuffers: false,
      transform: toDoubleOrNull,
    });
  }

  /** ZMSCORE: each member's score in order, null for missing members. */
  zmscore(key: RedisKey, ...members: Variadic<RedisArg>): Promise<(number | null)[]> {
    return this.sendCommand({
      name: 'ZMSCORE',
      args: prepend(key, members),
      returnBuffers: false,
      transform: toDoublesOrNull,
    });
  }

  /** ZRANK: the member's rank, lowest score first, or null. */
  zrank(key: RedisKey, member: RedisArg): Promise<number | null> {
    return this.sendCommand({ name: 'ZRANK', args: [key, member], returnBuffers: false });
  }

  /** ZREVRANK: the member's rank, highest score first, or null. */
  zrevrank(key: RedisKey, member: RedisArg): Promise<number | null> {
    return this.sendCommand({ name: 'ZREVRANK', args: [key, member], returnBuffers: false });
  }

  /** ZREM: how many members were removed. */
  zrem(key: RedisKey, ...members: Variadic<RedisArg>): Promise<number> {
    return this.sendCommand({ name: 'ZREM', args: prepend(key, members), returnBuffers: false });
  }

  /** ZCARD: the number of members. */
  zcard(key: RedisKey): Promise<number> {
    return this.sendCommand({ name: 'ZCARD', args: [key], returnBuffers: false });
  }

  /** ZCOUNT: how many members have a score between `min` and `max`. */
  zcount(key: RedisKey, min: RangeBound, max: RangeBound): Promise<number> {
    return this.sendCommand({ name: 'ZCOUNT', args: [key, min, max], returnBuffers: false });
  }

  /** ZRANGE: the members in a range of ranks, scores (`by: 'SCORE'`) or lexical bounds (`by: 'LEX'`). */
  zrange(key: RedisKey, start: RangeBound, stop: RangeBound, options?: ZRangeOptions): Promise<S[]> {
    return this.sendCommand({
      name: 'ZRANGE',
      args: zrangeArgs(key, undefined, start, stop, options, false),
      returnBuffers: this.returnBuffers,
    });
  }

  /** ZRANGE ... WITHSCORES: like `zrange`, as `{ value, score }[]`. */
  zrangeWithScores(
    key: RedisKey,
    start: RangeBound,
    stop: RangeBound,
    options?: ZRangeOptions,
  ): Promise<ScoredMember<S>[]> {
    return this.sendCommand({
      name: 'ZRANGE',
      args: zrangeArgs(key, undefined, start, stop, options, true),
      returnBuffers: this.returnBuffers,
      transform: toScoredMembers as (reply: unknown) => ScoredMember<S>[],
    });
  }

  /** ZRANGESTORE: stores a `zrange` result in `destination`; how many members it has. */
  zrangestore(
    destination: RedisKey,
    source: RedisKey,
    start: RangeBound,
    stop: RangeBound,
    options?: ZRangeOptions,
  ): Promise<number> {
    return this.sendCommand({
      name: 'ZRANGESTORE',
      args: zrangeArgs(destination, source, start, stop, options, false),
      returnBuffers: false,
    });
  }

  /** ZREMRANGEBYRANK: removes the members in a range of ranks; how many. */
  zremrangebyrank(key: RedisKey, start: number, stop: number): Promise<number> {
    return this.sendCommand({ name: 'ZREMRANGEBYRANK', args: [key, start, stop], returnBuffers: false });
  }

  /** ZREMRANGEBYSCORE: removes the members with a score between `min` and `max`; how many. */
  zremrangebyscore(key: RedisKey, min: RangeBound, max: RangeBound): Promise<number> {
    return this.sendCommand({ name: 'ZREMRANGEBYSCORE', args: [key, min, max], returnBuffers: false });
  }

  /** ZREMRANGEBYLEX: removes the members between two lexical bounds; how many. */
  zremrangebylex(key: RedisKey, min: string, max: string): Promise<number> {
    return this.sendCommand({ name: 'ZREMRANGEBYLEX', args: [key, min, max], returnBuffers: false });
  }

  /** ZPOPMIN: removes the lowest-scored member (null when empty); with `count`, up to that many. */
  zpopmin(key: RedisKey): Promise<ScoredMember<S> | null>;
  zpopmin(key: RedisKey, count: number): Promise<ScoredMember<S>[]>;
  zpopmin(key: RedisKey, count?: number): Promise<ScoredMember<S> | ScoredMember<S>[] | null> {
    if (count === undefined) {
      return this.sendCommand({
        name: 'ZPOPMIN',
        args: [key],
        returnBuffers: this.returnBuffers,
        transform: toScoredMember as (reply: unknown) => ScoredMember<S> | null,
      });
    }
    return this.sendCommand({
      name: 'ZPOPMIN',
      args: [key, count],
      returnBuffers: this.returnBuffers,
      transform: toScoredMembers as (reply: unknown) => ScoredMember<S>[],
    });
  }

  /** ZPOPMAX: removes the highest-scored member (null when empty); with `count`, up to that many. */
  zpopmax(key: RedisKey): Promise<ScoredMember<S> | null>;
  zpopmax(key: RedisKey, count: number): Promise<ScoredMember<S>[]>;
  zpopmax(key: RedisKey, count?: number): Promise<ScoredMember<S> | ScoredMember<S>[] | null> {
    if (count === undefined) {
      return this.sendCommand({
        name: 'ZPOPMAX',
        args: [key],
        returnBuffers: this.returnBuffers,
        transform: toScoredMember as (reply: unknown) => ScoredMember<S> | null,
      });
    }
    return this.sendCommand({
      name: 'ZPOPMAX',
      args: [key, count],
      returnBuffers: this.returnBuffers,
      transform: toScoredMembers as (reply: unknown) => ScoredMember<S>[],
    });
  }

  /** BZPOPMIN: waits up to `timeout` seconds; `{ key, value, score }`, or null on timeout. */
  bzpopmin(keys: RedisKey | readonly RedisKey[], timeout: number): Promise<KeyScoredMember<S> | null> {
    return this.sendCommand({
      name: 'BZPOPMIN',
      args: keysThenTimeout(keys, timeout),
      returnBuffers: this.returnBuffers,
      transform: toKeyScoredMember as (reply: unknown) => KeyScoredMember<S> | null,
    });
  }

  /** BZPOPMAX: waits up to `timeout` seconds; `{ key, value, score }`, or null on timeout. */
  bzpopmax(keys: RedisKey | readonly RedisKey[], timeout: number): Promise<KeyScoredMember<S> | null> {
    return this.sendCommand({
      name: 'BZPOPMAX',
      args: keysThenTimeout(keys, timeout),
      returnBuffers: this.returnBuffers,
      transform: toKeyScoredMember as (reply: unknown) => KeyScoredMember<S> | null,
    });
  }

  /** ZMPOP: pops from the first non-empty sorted set of `keys`; `{ key, members }`, or null when all are empty. */
  zmpop(
    keys: RedisKey | readonly RedisKey[],
    which: 'MIN' | 'MAX',
    options?: { count?: number },
  ): Promise<KeyScoredMembers<S> | null> {
    return this.sendCommand({
      name: 'ZMPOP',
      args: mpopArgs(undefined, keys, which, options?.count),
      returnBuffers: this.returnBuffers,
      transform: toKeyScoredMembers as (reply: unknown) => KeyScoredMembers<S> | null,
    });
  }

  /** BZMPOP: like `zmpop`, waiting up to `timeout` seconds; null on timeout. */
  bzmpop(
    keys: RedisKey | readonly RedisKey[],
    which: 'MIN' | 'MAX',
    timeout: number,
    options?: { count?: number },
  ): Promise<KeyScoredMembers<S> | null> {
    return this.sendCommand({
      name: 'BZMPOP',
      args: mpopArgs(timeout, keys, which, options?.count),
      returnBuffers: this.returnBuffers,
      transform: toKeyScoredMembers as (reply: unknown) => KeyScoredMembers<S> | null,
    });
  }

  /** ZUNIONSTORE: stores the union of the sorted sets in `destination`; its size. */
  zunionstore(
    destination: RedisKey,
    keys: RedisKey | readonly RedisKey[],
    options?: ZStoreOptions,
  ): Promise<number> {
    return this.sendCommand({
      name: 'ZUNIONSTORE',
      args: zstoreArgs(destination, keys, options),
      returnBuffers: false,
    });
  }

  /** ZINTERSTORE: stores the intersection of the sorted sets in `destination`; its size. */
  zinterstore(
    destination: RedisKey,
    keys: RedisKey | readonly RedisKey[],
    options?: ZStoreOptions,
  ): Promise<number> {
    return this.sendCommand({
      name: 'ZINTERSTORE',
      args: zstoreArgs(destination, keys, options),
      returnBuffers: false,
    });
  }

  /** ZSCAN: `{ cursor, members }` with scores; iterate until `cursor` is `'0'`. */
  zscan(key: RedisKey, cursor: string | number, options?: ScanOptions): Promise<SortedSetScanPage<S>> {
    return this.sendCommand({
      name: 'ZSCAN',
      args: keyScanArgs(key, cursor, options),
      returnBuffers: this.returnBuffers,
      transform: toSortedSetScanPage as (reply: unknown) => SortedSetScanPage<S>,
    });
  }
}
