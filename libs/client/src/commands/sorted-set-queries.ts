import type { RedisArg, RedisKey } from '../command.js';
import { pushNumKeys } from './base.js';
import { GeoCommands } from './geo.js';
import { toScoredMembers } from './sorted-set-replies.js';
import type { RangeBound, ZStoreOptions } from './sorted-sets.js';
import type { ScoredMember } from './types.js';

/** Options of the BYSCORE / BYLEX ranges of the older forms (ZRANGEBYSCORE, ZREVRANGEBYSCORE). */
export interface ZRangeByOptions {
  /** Skip `offset` matches and return at most `count` (LIMIT). */
  limit?: { offset: number; count: number } | undefined;
}

function byScoreArgs(
  key: RedisKey,
  first: RangeBound,
  second: RangeBound,
  options: ZRangeByOptions | undefined,
  withScores: boolean,
): RedisArg[] {
  const args: RedisArg[] = [key, first, second];
  if (withScores) args.push('WITHSCORES');
  if (options?.limit !== undefined) args.push('LIMIT', options.limit.offset, options.limit.count);
  return args;
}

function combineArgs(
  keys: RedisKey | readonly RedisKey[],
  options: ZStoreOptions | undefined,
  withScores: boolean,
) {
  const args: RedisArg[] = [];
  pushNumKeys(args, keys);
  if (options?.weights !== undefined) {
    args.push('WEIGHTS');
    for (const weight of options.weights) args.push(weight);
  }
  if (options?.aggregate !== undefined) args.push('AGGREGATE', options.aggregate);
  if (withScores) args.push('WITHSCORES');
  return args;
}

const scored = toScoredMembers as (reply: unknown) => ScoredMember<never>[];

/**
 * Sorted-set reads whose reply depends on WITHSCORES: each comes as the members (`zunion`) and as
 * `{ value, score }` pairs (`zunionWithScores`), in both protocols.
 */
export abstract class SortedSetQueryCommands<
  S extends string | Buffer = string,
  Info = string,
> extends GeoCommands<S, Info> {
  /** ZRANGEBYSCORE: the members with a score between `min` and `max`, lowest first. */
  zrangebyscore(key: RedisKey, min: RangeBound, max: RangeBound, options?: ZRangeByOptions): Promise<S[]> {
    const args = byScoreArgs(key, min, max, options, false);
    return this.sendCommand({ name: 'ZRANGEBYSCORE', args, returnBuffers: this.returnBuffers });
  }

  /** ZRANGEBYSCORE ... WITHSCORES. */
  zrangebyscoreWithScores(
    key: RedisKey,
    min: RangeBound,
    max: RangeBound,
    options?: ZRangeByOptions,
  ): Promise<ScoredMember<S>[]> {
    const args = byScoreArgs(key, min, max, options, true);
    return this.sendCommand({
      name: 'ZRANGEBYSCORE',
      args,
      returnBuffers: this.returnBuffers,
      transform: scored,
    });
  }

  /** ZREVRANGEBYSCORE: the members with a score between `max` and `min` (note the order), highest first. */
  zrevrangebyscore(key: RedisKey, max: RangeBound, min: RangeBound, options?: ZRangeByOptions): Promise<S[]> {
    const args = byScoreArgs(key, max, min, options, false);
    return this.sendCommand({ name: 'ZREVRANGEBYSCORE', args, returnBuffers: this.returnBuffers });
  }

  /** ZREVRANGEBYSCORE ... WITHSCORES. */
  zrevrangebyscoreWithScores(
    key: RedisKey,
    max: RangeBound,
    min: RangeBound,
    options?: ZRangeByOptions,
  ): Promise<ScoredMember<S>[]> {
    const args = byScoreArgs(key, max, min, options, true);
    return this.sendCommand({
      name: 'ZREVRANGEBYSCORE',
      args,
      returnBuffers: this.returnBuffers,
      transform: scored,
    });
  }

  /** ZREVRANGE: the members between two ranks, highest score first. */
  zrevrange(key: RedisKey, start: number, stop: number): Promise<S[]> {
    return this.sendCommand({
      name: 'ZREVRANGE',
      args: [key, start, stop],
      returnBuffers: this.returnBuffers,
    });
  }

  /** ZREVRANGE ... WITHSCORES. */
  zrevrangeWithScores(key: RedisKey, start: number, stop: number): Promise<ScoredMember<S>[]> {
    return this.sendCommand({
      name: 'ZREVRANGE',
      args: [key, start, stop, 'WITHSCORES'],
      returnBuffers: this.returnBuffers,
      transform: scored,
    });
  }

  /** ZUNION: the union of the sorted sets. */
  zunion(keys: RedisKey | readonly RedisKey[], options?: ZStoreOptions): Promise<S[]> {
    const args = combineArgs(keys, options, false);
    return this.sendCommand({ name: 'ZUNION', args, returnBuffers: this.returnBuffers });
  }

  /** ZUNION ... WITHSCORES. */
  zunionWithScores(
    keys: RedisKey | readonly RedisKey[],
    options?: ZStoreOptions,
  ): Promise<ScoredMember<S>[]> {
    const args = combineArgs(keys, options, true);
    return this.sendCommand({ name: 'ZUNION', args, returnBuffers: this.returnBuffers, transform: scored });
  }

  /** ZINTER: the intersection of the sorted sets. */
  zinter(keys: RedisKey | readonly RedisKey[], options?: ZStoreOptions): Promise<S[]> {
    const args = combineArgs(keys, options, false);
    return this.sendCommand({ name: 'ZINTER', args, returnBuffers: this.returnBuffers });
  }

  /** ZINTER ... WITHSCORES. */
  zinterWithScores(
    keys: RedisKey | readonly RedisKey[],
    options?: ZStoreOptions,
  ): Promise<ScoredMember<S>[]> {
    const args = combineArgs(keys, options, true);
    return this.sendCommand({ name: 'ZINTER', args, returnBuffers: this.returnBuffers, transform: scored });
  }

  /** ZDIFF: the members of the first sorted set that are in none of the others. */
  zdiff(keys: RedisKey | readonly RedisKey[]): Promise<S[]> {
    const args = combineArgs(keys, undefined, false);
    return this.sendCommand({ name: 'ZDIFF', args, returnBuffers: this.returnBuffers });
  }

  /** ZDIFF ... WITHSCORES. */
  zdiffWithScores(keys: RedisKey | readonly RedisKey[]): Promise<ScoredMember<S>[]> {
    const args = combineArgs(keys, undefined, true);
    return this.sendCommand({ name: 'ZDIFF', args, returnBuffers: this.returnBuffers, transform: scored });
  }

  /**
   * ZRANDMEMBER: a random member, or null when the key is missing; with `count`, up to that many distinct
   * members (repeated when negative).
   */
  zrandmember(key: RedisKey): Promise<S | null>;
  zrandmember(key: RedisKey, count: number): Promise<S[]>;
  zrandmember(key: RedisKey, count?: number): Promise<S | S[] | null> {
    const args = count === undefined ? [key] : [key, count];
    return this.sendCommand({ name: 'ZRANDMEMBER', args, returnBuffers: this.returnBuffers });
  }

  /** ZRANDMEMBER ... WITHSCORES: random members with their scores. */
  zrandmemberWithScores(key: RedisKey, count: number): Promise<ScoredMember<S>[]> {
    return this.sendCommand({
      name: 'ZRANDMEMBER',
      args: [key, count, 'WITHSCORES'],
      returnBuffers: this.returnBuffers,
      transform: scored,
    });
  }
}
